"""The application version, stamped on audit rows and export cover sheets."""

APP_VERSION = "0.1.0"
