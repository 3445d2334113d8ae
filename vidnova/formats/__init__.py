"""Date formats where Django's defaults read unnaturally (settings.FORMAT_MODULE_PATH)."""
