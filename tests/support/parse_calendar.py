"""Parses an iCalendar file with two independent parsers and prints a summary.

Used by tests/schedule.rs: PyPI `icalendar` must report no component errors, and PyPI
`ical` (which validates every property against RFC 5545 and raises on the first problem)
must accept the file. Prints one line per event: UID, start, end, summary.
"""

import sys

import icalendar
from ical.calendar_stream import IcsCalendarStream


def main(path):
    with open(path, "rb") as handle:
        data = handle.read()
    calendar = icalendar.Calendar.from_ical(data)
    problems = [(c.name, c.errors) for c in calendar.walk() if c.errors]
    if problems:
        print("icalendar component errors:", problems)
        return 1
    strict = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    lenient = list(calendar.walk("VEVENT"))
    if len(strict.events) != len(lenient):
        print("event counts differ:", len(strict.events), len(lenient))
        return 1
    for event in strict.events:
        print(f"{event.uid}\t{event.dtstart}\t{event.dtend}\t{event.summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
