"""BIN/IIN check digit (docs/domain.md#identifiers), checked against the rule re-stated here."""

import itertools

import pytest

from grants.core.identifiers import bin_check_digit, is_valid_bin, is_valid_kato, make_bin


@pytest.fixture
def db():
    """These are pure functions: override the suite's autouse database fixture so they run without one."""
    yield None


VALID_EXAMPLES = ("940140000385", "990140004654", "061211600012")  # docs/domain.md#identifiers
WEIGHTS_1 = tuple(range(1, 12))
WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def reference_check_digit(first11: str) -> int | None:
    """The rule of docs/domain.md#identifiers, written independently of grants.core.identifiers."""
    digits = [ord(c) - ord("0") for c in first11]
    assert len(digits) == 11 and all(0 <= d <= 9 for d in digits)
    first = sum(d * w for d, w in zip(digits, WEIGHTS_1, strict=True)) % 11
    if first != 10:
        return first
    second = sum(d * w for d, w in zip(digits, WEIGHTS_2, strict=True)) % 11
    return None if second == 10 else second


def first_sum(prefix: str) -> int:
    return sum(int(c) * w for c, w in zip(prefix, WEIGHTS_1, strict=True)) % 11


def second_sum(prefix: str) -> int:
    return sum(int(c) * w for c, w in zip(prefix, WEIGHTS_2, strict=True)) % 11


def prefixes():
    """Plausible BIN prefixes: YYMM, 4 (resident legal entity), 0..3, then a 5-digit serial."""
    for yy, mm, kind, serial in itertools.product(
        range(0, 100, 7), range(1, 13), "40123", range(0, 100000, 997)
    ):
        yield f"{yy:02d}{mm:02d}4{kind}{serial:05d}"[:11]


def find_prefix(predicate) -> str:
    for prefix in prefixes():
        if predicate(prefix):
            return prefix
    pytest.fail("no prefix found for the predicate; widen the search")


@pytest.mark.parametrize("value", VALID_EXAMPLES)
def test_domain_examples_are_valid(value):
    assert is_valid_bin(value)
    assert bin_check_digit(value[:11]) == int(value[11])
    assert reference_check_digit(value[:11]) == int(value[11])
    assert make_bin(value[:11]) == value


@pytest.mark.parametrize("value", VALID_EXAMPLES)
def test_every_other_last_digit_is_invalid(value):
    for digit in "0123456789":
        if digit != value[11]:
            assert not is_valid_bin(value[:11] + digit), value[:11] + digit


@pytest.mark.parametrize("value", VALID_EXAMPLES)
def test_a_changed_inner_digit_is_caught(value):
    # Changing one digit by one changes the first weighted sum by its weight (1..11), never by 11.
    changed = value[:4] + str((int(value[4]) + 1) % 10) + value[5:]
    assert not is_valid_bin(changed)


def test_second_weights_are_used_when_the_first_sum_is_ten():
    prefix = find_prefix(lambda p: first_sum(p) == 10 and second_sum(p) != 10)
    expected = reference_check_digit(prefix)
    assert expected == second_sum(prefix)
    assert bin_check_digit(prefix) == expected
    assert is_valid_bin(prefix + str(expected))
    assert make_bin(prefix) == prefix + str(expected)
    # 10 mod 11 can never be a digit: a naive implementation would make every BIN with this prefix invalid
    for digit in "0123456789":
        if int(digit) != expected:
            assert not is_valid_bin(prefix + digit)


def test_the_second_branch_agrees_with_the_reference_over_many_prefixes():
    checked = 0
    for prefix in itertools.islice(prefixes(), 5000):
        assert bin_check_digit(prefix) == reference_check_digit(prefix), prefix
        checked += first_sum(prefix) == 10
    assert checked > 10, "the sample should exercise the second-weights branch several times"


def test_a_prefix_where_both_sums_are_ten_has_no_valid_bin():
    prefix = find_prefix(lambda p: first_sum(p) == 10 and second_sum(p) == 10)
    assert reference_check_digit(prefix) is None
    assert bin_check_digit(prefix) is None
    for digit in "0123456789":
        assert not is_valid_bin(prefix + digit), prefix + digit
    with pytest.raises(ValueError):
        make_bin(prefix)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "94014000038",  # 11 digits
        "9401400003850",  # 13 digits
        "94014000038A",
        "ABCDEFGHIJKL",
        " 940140000385",
        "940140000385 ",
        "9401-4000-0385",
        "-94014000038",
    ],
)
def test_malformed_values_are_invalid(value):
    assert not is_valid_bin(value)


@pytest.mark.parametrize(
    "value",
    [
        "\uff19\uff14\uff10\uff11\uff14\uff10\uff10\uff10\uff10\uff13\uff18\uff15",  # full-width 940140000385
        "\u0669\u0664\u0660\u0661\u0664\u0660\u0660\u0660\u0660\u0663\u0668\u0665",  # Arabic-Indic 940140000385
    ],
)
def test_non_ascii_digits_are_not_a_bin(value):
    # A BIN is 12 ASCII digits; a look-alike string stored as is would escape the uniqueness check.
    assert int(value) == 940140000385  # the look-alike does spell a valid BIN
    assert not is_valid_bin(value), "is_valid_bin accepts non-ASCII digits (\\d without re.ASCII)"


@pytest.mark.parametrize(
    "value, ok",
    [
        ("710000000", True),
        ("751110000", True),
        ("71000000", False),
        ("7100000000", False),
        ("71000000A", False),
        ("", False),
        (None, False),
    ],
)
def test_kato(value, ok):
    assert is_valid_kato(value) is ok
