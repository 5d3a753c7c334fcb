# An API key is imported by its id (a UUID). Hellgate returns a key's secret
# only when the key is created, so an imported key has no key_value.
terraform import hellgate_api_key.checkout 123e4567-e89b-12d3-a456-426614174000
