"""Day headings and the clock within a day: a mixin of BodyParser (parser.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from .lines import Line

if TYPE_CHECKING:
    from .parser import BodyParser

# "2.00 – 3.30" after "12.30 – 2.00 Lunch" is the afternoon: documents without a.m./p.m.
# still write 12-hour times. Only hours a meeting does not start at in the night qualify.
_LATEST_SMALL_HOUR = 7


class DayMixin:
    def on_day(self: BodyParser, line: Line) -> None:
        self.finish()
        self._drop_pending_notes()
        self._reset_day()
        self.day_start = None
        self.event_lines.append(line.number)
        data = line.data
        if data.get("index") is not None:
            self._numbered_day(line, data["index"])
            return
        year = data["year"] or self.year
        month = data["month"] or self._month_for(data["day"])
        if month is None:
            self.day = None
            self.warn(line, "day heading without a month, and no earlier date to take it from")
            return
        try:
            day = date(year, month, data["day"])
            # An agenda running from December into January crosses a year.
            if not data["year"] and self.last_day and (self.last_day - day) > timedelta(days=180):
                day = date(year + 1, month, data["day"])
        except ValueError:
            self.day = None
            self.warn(line, "day heading names a date that does not exist")
            return
        if data["weekday"] is not None and data["weekday"] != day.weekday():
            self.warn(line, f"weekday does not match {day.isoformat()}; the date was kept")
        self._enter(day, data, number=None)

    def _enter(self: BodyParser, day: date, data: dict[str, Any], number: int | None) -> None:
        self.day = self.last_day = day
        self.day_number = number
        self.year = day.year
        if data.get("part"):  # "Tuesday 20 June – Morning": untimed sessions are morning ones
            self.part = (data["part"], [])

    def _numbered_day(self: BodyParser, line: Line, number: int) -> None:
        """ "Day 2" with no date: the header's first day plus one, else the day after the last.

        A "Day 2" heading followed by its date ("Day 2" / "Wednesday 13 November") is one
        heading: the dated line is read next and simply replaces this date.
        """
        if self.first_date is not None:
            day = self.first_date + timedelta(days=number - 1)
        elif self.last_day is not None and self.day_number is not None:
            day = self.last_day + timedelta(days=number - self.day_number)
        elif self.last_day is not None:
            day = self.last_day + timedelta(days=1)
        else:
            self.day = None
            self.warn(line, "numbered day without a date, and no dates in the header to count from")
            return
        self._enter(day, line.data, number)

    def _month_for(self: BodyParser, day: int) -> int | None:
        """The month of "Miércoles 21": the previous day's, or the next one after the 31st."""
        if self.last_day is None:
            return self.month
        if day < self.last_day.day:
            return self.last_day.month % 12 + 1
        return self.last_day.month

    def clock(self: BodyParser, data: dict[str, Any]) -> tuple[str, str | None]:
        """Start and end of a time line, reading a 12-hour "2.00" after noon as 14:00."""
        start, end = data["start"], data["end"]
        earlier = self.day_start is not None and start < self.day_start
        if data.get("ambiguous") and earlier and int(start[:2]) <= _LATEST_SMALL_HOUR:
            start = _afternoon(start)
            end = _afternoon(end) if end and end < "12:00" else end
        self.day_start = max(start, self.day_start or start)
        return start, end


def _afternoon(hhmm: str) -> str:
    return f"{int(hhmm[:2]) + 12:02d}{hhmm[2:]}"
