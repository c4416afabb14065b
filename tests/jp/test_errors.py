from kiban.jp.errors import JpValueError


def test_error_is_a_value_error_with_code_and_params():
    error = JpValueError("postal_code_digits", value="12-34")

    assert isinstance(error, ValueError)
    assert error.code == "postal_code_digits"
    assert error.params == {"value": "12-34"}
    assert str(error) == "A postal code has 7 digits; got '12-34'."


def test_explicit_message_wins_over_template():
    error = JpValueError("date_format", "Could not read it.", value="x")

    assert str(error) == "Could not read it."
    assert error.params == {"value": "x"}


def test_unknown_code_still_gives_a_message():
    error = JpValueError("something_odd")

    assert str(error) == "something odd."


def test_missing_params_format_as_blank():
    error = JpValueError("reference_check")

    assert str(error) == "The check character of reference  is wrong."
