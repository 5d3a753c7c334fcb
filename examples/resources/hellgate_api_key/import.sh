# An API key is imported by its id (a UUID). Hellgate returns a key's secret
# only when the key is created, so an imported key has no key_value, unless
# you supply the secret in the key's own variable (its id in capitals,
# hyphens as underscores): the import checks it against the key, then
# stores it as key_value.
export HELLGATE_IMPORT_KEY_VALUE_123E4567_E89B_12D3_A456_426614174000="$(cat checkout-key.txt)"
terraform import hellgate_api_key.checkout 123e4567-e89b-12d3-a456-426614174000
