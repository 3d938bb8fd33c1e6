"""The registry: places (区划), 承办单位, meetings, categories, and the name resolver."""
