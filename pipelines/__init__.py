"""Orchestration and the command line: Prefect flows and the `marketspeak` CLI."""
