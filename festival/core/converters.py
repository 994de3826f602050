"""URL converters: ids that fit the database's integer, so a huge number is a 404, not a 500."""

from werkzeug.routing import IntegerConverter


class IdConverter(IntegerConverter):
    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, min=1, max=2**31 - 1)
