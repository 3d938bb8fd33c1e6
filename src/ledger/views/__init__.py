"""The read side: item rows, list filters, today's board, search, repeats, as-of figures."""
