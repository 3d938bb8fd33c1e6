"""The domain: lifecycle, actions, the event writer, deadlines, dates, labels, errors."""
