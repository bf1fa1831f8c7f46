"""The PIP by keys: the check refuses an incomplete plan, the consultant completes it, the person
agrees, the consultant sets it; a later change becomes version 2 and version 1 never changes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import OptionList

from inburgering_tui.domain.forms import Form
from inburgering_tui.domain.pip import Kind, PipContent
from inburgering_tui.overview import one_case
from inburgering_tui.settings import Settings
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.dialogs.afspraak import AfspraakDialog
from inburgering_tui.tui.dialogs.confirm import ConfirmDialog
from inburgering_tui.tui.dialogs.missing import MissingDialog
from inburgering_tui.tui.dialogs.progress import ProgressDialog
from inburgering_tui.tui.dialogs.reason import ReasonDialog
from inburgering_tui.tui.screens.pip import PipScreen
from inburgering_tui.tui.screens.pip_review import PipReviewScreen

from .conftest import PASSPHRASE, TODAY
from .pilot import SIZE, make_app, type_text, wait_for_screen, wait_until


async def _confirm_afspraak(pilot: Pilot[None], tabs_to_checkbox: int = 0) -> None:
    """Open the highlighted afspraak, optionally tick a checkbox, save it (which confirms it)."""
    screen = pilot.app.screen
    await pilot.press("enter")
    dialog = await wait_for_screen(pilot, AfspraakDialog)
    if tabs_to_checkbox:
        await pilot.press(*(["tab"] * tabs_to_checkbox), "space")
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: pilot.app.screen is screen, "the afspraak dialog to close")
    assert not dialog.is_attached


async def test_pip_is_checked_completed_agreed_set_and_amended(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case = store.create_case(
        {
            "given_names": "Plan",
            "family_name": "Maker",
            "doelgroep": "asielstatushouder",
            "languages": ["ar"],
            "koppelingsdatum": date(2026, 9, 1),
            "kennisgeving_date": date(2026, 9, 10),
        }
    )
    store.add_conversation(
        case.id, held_on=TODAY, interpreter_name="T. Olk", interview_language="ar"
    )
    store.save_answer(case.id, intake_form.id, 1, "leerbaarheid", "lbt_uitkomst", "ja")
    app = make_app(vault, forms, store=store, consultant="J. de Vries")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "p")
        screen = await wait_for_screen(pilot, PipScreen)

        # 1. The prefilled plan is not complete: the check says what is missing.
        await pilot.press("f4")
        missing = await wait_for_screen(pilot, MissingDialog)
        listed = missing.query_one(OptionList)
        problems = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert any("taalaanbieder" in p for p in problems)
        assert any("excursie" in p for p in problems)
        assert any("Bevestig" in p for p in problems)
        await pilot.press("escape")
        await wait_for_screen(pilot, PipScreen)

        # 2. Complete it by keys. Inburgering: provider, intensity, confirm the lessons.
        await pilot.press(
            "tab", "tab", "tab", "tab"
        )  # leerroute → alfa → reden → niveau → aanbieder
        await type_text(pilot, "Taalschool Noord")
        await pilot.press("tab")
        await type_text(pilot, "12")
        await pilot.press("tab")  # the afspraken of this theme
        await _confirm_afspraak(pilot)
        # Participatie: the PVT needs an excursion, the MAP a practical activity.
        await pilot.press("ctrl+right")
        await pilot.pause()
        await _confirm_afspraak(pilot, tabs_to_checkbox=7)  # description → ... → excursion
        await pilot.press("down")
        await _confirm_afspraak(pilot, tabs_to_checkbox=8)  # ... → practical activity
        # Begeleiding: a contact person, and confirm maatschappelijke begeleiding.
        await pilot.press("ctrl+right", "ctrl+right")
        await pilot.pause()
        await type_text(pilot, "M. de Wit")
        await pilot.press("tab", "tab", "tab", "tab")
        await _confirm_afspraak(pilot)
        pips = PipStore(store)
        # The draft saves itself once the typing stops.
        await wait_until(
            pilot, lambda: _draft(pips, case.id).contact_person == "M. de Wit", "the saved draft"
        )
        assert _draft(pips, case.id).provider == "Taalschool Noord"

        # 3. Complete now: review, the person agrees, the consultant sets it.
        await pilot.press("f4")
        try:
            await wait_for_screen(pilot, PipReviewScreen)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; missing: {screen.missing()}") from None
        await type_text(pilot, "Plan Maker")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("f9")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("shift+tab", "enter")  # the dialog starts on "not yet"
        await wait_until(pilot, lambda: app.screen is screen, "the PIP screen after setting it")

        [v1] = pips.versions(case.id)
        assert (v1.number, v1.status, v1.dagtekening) == (1, "set", TODAY)
        assert v1.agreement is not None and v1.agreement["person_name"] == "Plan Maker"
        assert v1.agreement["interpreter_name"] == "T. Olk"
        assert v1.agreement["interpreter_language"] == "ar"
        assert v1.agreement["consultant"] == "J. de Vries" and v1.set_by
        content = PipContent.model_validate(v1.content)
        assert content.provider == "Taalschool Noord" and content.intensity_hours_week == 12
        assert content.contact_person == "M. de Wit"
        assert all(a.confirmed for a in content.afspraken)
        assert any(a.kind == Kind.PVT and a.with_excursion for a in content.afspraken)

        # 4. A change makes version 2 with its reason; version 1 stays as it was.
        await pilot.press("f6")
        await wait_for_screen(pilot, ReasonDialog)
        await type_text(pilot, "Meer lesuren na voortgangsgesprek")
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.editable, "the new draft to open")
        # The new draft opens on the first field of Inburgering.
        await pilot.press("tab", "tab", "tab", "tab", "tab")  # to the intensity
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "16")
        await wait_until(
            pilot, lambda: _draft(pips, case.id).intensity_hours_week == 16, "the saved draft"
        )
        await pilot.press("f4")
        await wait_for_screen(pilot, PipReviewScreen)
        await type_text(pilot, "Plan Maker")
        await pilot.press("f9")
        await wait_for_screen(pilot, ConfirmDialog)
        await pilot.press("shift+tab", "enter")
        await wait_until(
            pilot,
            lambda: len(pips.versions(case.id)) == 2 and pips.draft(case.id) is None,
            "version 2 to be set",
        )

    v1_again, v2 = PipStore(store).versions(case.id)
    assert v1_again.content == v1.content and v1_again.dagtekening == TODAY
    assert (v2.number, v2.status, v2.reason) == (2, "set", "Meer lesuren na voortgangsgesprek")
    assert PipContent.model_validate(v2.content).intensity_hours_week == 16
    # The termijn runs from the first dagtekening (rule T6), whatever later versions say.
    overview = one_case(store, intake_form, case.id, TODAY, Settings().local_practice)
    assert overview is not None
    t6 = next(d for d in overview.deadlines if d.rule == "T6")
    assert t6.window_start == date(2026, 11, 24) and t6.due == date(2029, 11, 23)
    t4 = next(d for d in overview.deadlines if d.rule == "T4")
    assert t4.status.value == "done"
    with store.engine.begin() as conn, pytest.raises(Exception, match="never changes"):
        conn.execute(text("UPDATE pipversion SET reason = 'x' WHERE number = 1"))
    store.close()


async def test_voortgangsgesprek_is_recorded_and_can_open_a_new_version(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Voort", "family_name": "Gang", "doelgroep": "gezinsmigrant"}
    )
    pips = PipStore(store)
    draft = pips.save_draft(
        case.id, PipContent(leerroute="b1").model_dump(mode="json"), "Eerste PIP"
    )
    pips.set_version(draft.id, date(2026, 5, 1))
    before = one_case(store, intake_form, case.id, TODAY, Settings().local_practice)
    assert before is not None
    assert next(d for d in before.deadlines if d.rule == "T10").due == date(2026, 11, 1)

    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "v")
        await wait_for_screen(pilot, ProgressDialog)
        await pilot.press("tab")  # the date stays today
        await type_text(pilot, "Gaat goed, 3 lessen per week")
        await pilot.press("tab")
        await type_text(pilot, "Oppas voor de kinderen")
        await pilot.press(*(["tab"] * 7))  # past the other themes
        await pilot.press("space")  # leads to a new version
        await pilot.press("tab")
        await type_text(pilot, "Meer uren taalles")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: pips.progress_talks(case.id), "the recorded talk")

    [talk] = pips.progress_talks(case.id)
    assert talk.held_on == TODAY
    assert talk.notes["inburgering"] == {
        "progress": "Gaat goed, 3 lessen per week",
        "problems": "Oppas voor de kinderen",
    }
    versions = pips.versions(case.id)
    assert [(v.number, v.status) for v in versions] == [(1, "set"), (2, "draft")]
    assert versions[1].reason == "Meer uren taalles" and talk.amended_version_id == versions[1].id
    after = one_case(store, intake_form, case.id, TODAY, Settings().local_practice)
    assert after is not None
    assert next(d for d in after.deadlines if d.rule == "T10").due == date(2027, 5, 23)
    store.close()


def _draft(pips: PipStore, case_id: str) -> PipContent:
    draft = pips.draft(case_id)
    assert draft is not None
    return PipContent.model_validate(draft.content)


def _complete_b1_pip() -> PipContent:
    from inburgering_tui.domain.pip import Afspraak

    return PipContent(
        leerroute="b1",
        target_level="B1",
        provider="Taalschool Noord",
        intensity_hours_week=12,
        contact_person="M. de Wit",
        afspraken=[
            Afspraak(id="pvt1", kind=Kind.PVT, hours_total=12, with_excursion=True),
            Afspraak(id="map1", kind=Kind.MAP, hours_total=40, practical_activity=True),
        ],
    )


async def test_route_change_after_eighteen_months_is_refused_with_the_reason(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Route", "family_name": "Wissel", "doelgroep": "gezinsmigrant"}
    )
    pips = PipStore(store)
    first = pips.save_draft(case.id, _complete_b1_pip().model_dump(mode="json"), "Eerste PIP")
    pips.set_version(first.id, date(2025, 1, 10))  # the termijn started 11 January 2025
    app = make_app(vault, forms, store=store, consultant="J. de Vries")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "p")
        screen = await wait_for_screen(pilot, PipScreen)
        await pilot.press("f6")
        await wait_for_screen(pilot, ReasonDialog)
        await type_text(pilot, "Leerbaarheid blijkt lager")
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.editable, "the new draft to open")
        assert app.screen is screen
        await pilot.press("enter", "down", "enter")  # B1-route -> Onderwijsroute -> ...
        await pilot.press("enter", "down", "enter")  # ... -> Z-route
        await pilot.press("tab", "tab")
        reason = "Toets en praktijk wijzen op de Z-route"
        await type_text(pilot, reason)
        await wait_until(
            pilot, lambda: reason in str(pips.versions(case.id)[-1].content), "the saved draft"
        )
        await pilot.press("f4")
        review = await wait_for_screen(pilot, PipReviewScreen)
        await type_text(pilot, "Route Wissel")
        await pilot.press("f9")

        def refused() -> bool:
            messages = [n.message for n in app._notifications]
            return any("1,5 jaar" in m and "11-07-2026" in m for m in messages)

        await wait_until(pilot, refused, "the refusal naming the 1,5 jaar and 11-07-2026")
        shown: object = app.screen
        assert shown is review  # refused: no confirmation asked
    versions = pips.versions(case.id)
    assert [(v.number, v.status) for v in versions] == [(1, "set"), (2, "draft")]
    assert PipContent.model_validate(versions[1].content).leerroute == "z"
    store.close()
