"""Date and number formats of the portal (FORMAT_MODULE_PATH): Viet Nam's way in both languages, so that a date
reads the same whatever language a page is in; only the number separators follow the language."""
