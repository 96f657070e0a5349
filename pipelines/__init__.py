"""Orchestration and the command line: Prefect flows that put the steps in order, and the `marketspeak` CLI."""
