"""Property: resident ID numbers with a correct GB 11643 check digit are accepted (and give the
birth date and sex); any other check digit is refused with a clear field error."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.errors import InputError
from appliance.services.patients import _ID_CHECK, _ID_WEIGHTS, _validate, id_number_valid


def _with_check(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + _ID_CHECK[total % 11]


ids = st.builds(
    lambda area, born, seq: _with_check(f"{area:06d}{born:%Y%m%d}{seq:03d}"),
    st.integers(110000, 659999),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    st.integers(0, 999),
)


@settings(max_examples=100, deadline=None)
@given(ids)
def test_valid_ids_are_accepted_and_completed(number):
    assert id_number_valid(number)
    patient = _validate({"name": "测试", "id_number": number.lower()})
    assert patient.id_number == number
    assert patient.birth_date is not None and patient.birth_date.strftime("%Y%m%d") == number[6:14]
    assert patient.sex == ("M" if int(number[16]) % 2 else "F")


@settings(max_examples=100, deadline=None)
@given(ids, st.sampled_from(list("0123456789X")))
def test_wrong_check_digit_is_refused(number, digit):
    if digit == number[-1]:
        return
    with pytest.raises(InputError) as info:
        _validate({"name": "测试", "id_number": number[:-1] + digit})
    assert info.value.details["fields"] == ["id_number"]
    assert number[:-1] not in info.value.message("zh")  # the value is never echoed


@pytest.mark.parametrize(
    "data",
    [{}, {"name": ""}, {"name": "张三", "sex": "X"}, {"name": "张三", "phone": "12345"},
     {"name": "张三", "birth_date": "2999-01-01"}, ["not", "an", "object"]],
)  # fmt: skip
def test_bad_patient_input_is_a_clear_error(data):
    with pytest.raises(InputError):
        _validate(data)
