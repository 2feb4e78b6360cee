"""Dates and numbers as written in Finland, in every language of the service: 26.2.2020, 8 268 000,00."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j.n.Y H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
FIRST_DAY_OF_WEEK = 1
