"""The command line: thin Typer commands that parse, call one core function, and render."""
