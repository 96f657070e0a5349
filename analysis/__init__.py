"""Measures over the corpus: frequencies and trends by period and source."""
