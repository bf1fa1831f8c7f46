"""Leerroute advice (L1-L5) and the window for a route change (T11)."""

from __future__ import annotations

from datetime import date

import pytest

from inburgering_tui.domain.leerroute import Leerroute, RouteInputs, advise, route_change_allowed

ASIEL = "asielstatushouder"


@pytest.mark.parametrize(
    ("inputs", "route", "rules"),
    [
        (RouteInputs(ASIEL, lbt_outcome="ja"), Leerroute.B1, {"L2"}),
        (RouteInputs(ASIEL, lbt_outcome="nee"), Leerroute.Z, {"L3"}),
        (RouteInputs("gezinsmigrant", lbt_outcome="nee"), Leerroute.Z, {"L3"}),
        (
            RouteInputs(
                ASIEL, lbt_outcome="ja", wants_to_study=True, education_level="bachelor", age=24
            ),
            Leerroute.ONDERWIJS,
            {"L1"},
        ),
        (
            RouteInputs(
                ASIEL, lbt_outcome="ja", wants_to_study=True, education_level="basis", age=24
            ),
            Leerroute.B1,
            {"L1", "L2"},
        ),
        # The toets outcome "nee" outweighs a wish to study.
        (
            RouteInputs(ASIEL, lbt_outcome="nee", wants_to_study=True, education_level="master"),
            Leerroute.Z,
            {"L3"},
        ),
    ],
)
def test_route_advice(inputs: RouteInputs, route: Leerroute, rules: set[str]) -> None:
    advice = advise(inputs)
    assert advice.route == route
    assert {f.rule for f in advice.fired} - {"L4"} == rules


def test_z_route_hours_differ_by_doelgroep() -> None:
    asiel = advise(RouteInputs(ASIEL, lbt_outcome="nee"))
    gezin = advise(RouteInputs("gezinsmigrant", lbt_outcome="nee"))
    assert any("800 uur participatie" in f.msgid for f in asiel.fired)
    assert not any("participatie" in f.msgid for f in gezin.fired)


@pytest.mark.parametrize(("age", "flagged"), [(27, False), (28, True), (35, True)])
def test_onderwijsroute_age_limit_is_a_flag_on_the_very_day(age: int, flagged: bool) -> None:
    inputs = RouteInputs(
        ASIEL, lbt_outcome="ja", wants_to_study=True, education_level="master", age=age
    )
    advice = advise(inputs, onderwijs_age_limit=28)
    assert advice.route == Leerroute.ONDERWIJS  # advice stands; the limit is policy, not law
    assert any(f.rule == "L1" for f in advice.flags) is flagged


@pytest.mark.parametrize(
    ("literacy", "alfa"),
    [
        ("analfabeet", True),
        ("niet_latijns", True),
        ("latijns", False),
        ("onbekend", False),
        (None, False),
    ],
)
def test_alfabetisering_is_added_for_non_latin_or_no_literacy(
    literacy: str | None, alfa: bool
) -> None:
    assert advise(RouteInputs(ASIEL, lbt_outcome="ja", literacy=literacy)).alfabetisering is alfa


def test_missing_toets_makes_the_advice_provisional_and_exemption_is_duos() -> None:
    assert any(f.rule == "T2" for f in advise(RouteInputs(ASIEL)).flags)
    assert any(f.rule == "L5" for f in advise(RouteInputs(ASIEL, lbt_exempt=True)).flags)


def test_route_change_window_t11() -> None:
    start = date(2026, 1, 11)
    assert route_change_allowed(Leerroute.B1, Leerroute.Z, start, date(2027, 7, 11)) is None
    refused = route_change_allowed(Leerroute.B1, Leerroute.Z, start, date(2027, 7, 12))
    assert refused is not None and refused.rule == "T11"
    # From the onderwijsroute back to B1 is always allowed.
    assert route_change_allowed(Leerroute.ONDERWIJS, Leerroute.B1, start, date(2029, 1, 1)) is None
