"""One way to write dates across the site, the admin and e-mails ("30 Nov 2026", "30 Nov 2026, 14:05"), as the
meeting pages already did: Django's US defaults mixed "11/30/2026", "Nov. 30, 2026" and "8:41 a.m.", which read
ambiguously to readers outside the US and beside the 24-hour times meetings use."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
