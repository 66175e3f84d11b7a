"""Vietnamese formats where Django's defaults differ from Vietnamese administrative usage.

Django's `vi` locale groups no digits (NUMBER_GROUPING unset) and writes short dates as 31-12-2025;
Vietnamese documents write 12.345 and 31/12/2025 (Decree 30/2020/NĐ-CP writes dates with slashes too).
"""
NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = "."
DECIMAL_SEPARATOR = ","
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
