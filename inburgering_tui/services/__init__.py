"""Use cases between the screens and the store: the only place the app's rules meet its writes.

A screen renders and collects input; it asks a service to act. The CLI, the demo and the tests
use the same services, so every path that records an answer or sets a PIP obeys the same rules.
Services never import Textual; screens never import the store's tables.
"""
