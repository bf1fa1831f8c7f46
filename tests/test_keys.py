"""Keys: a development CA and identities, private keys only ever encrypted, and recovery of a
store whose passphrase is lost, with the back office's key."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from cryptography import x509

from inburgering_tui.export.pki import PkiError, load_identity
from inburgering_tui.store.keys import WrongPassphrase
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .test_cli import run

KEY_PASSPHRASE = "sleutel-wachtwoordzin-7"


def _init(home: Path) -> None:
    store = Vault(home).create(PASSPHRASE)
    store.create_case({"given_names": "Her", "family_name": "Steld", "doelgroep": "gezinsmigrant"})
    store.close()
    result = run(
        "keys",
        "init",
        "--municipality",
        "Gemeente Proef",
        INBURGERING_KEY_PASSPHRASE=KEY_PASSPHRASE,
    )
    assert result.returncode == 0, result.stderr
    assert "consultant.p12" in result.stdout


def test_keys_init_makes_a_ca_and_encrypted_identities(isolated: Path) -> None:
    _init(isolated)
    pki = isolated / "pki"
    ca = x509.load_pem_x509_certificate((pki / "ca.pem").read_bytes())
    consultant = load_identity(pki / "consultant.p12", KEY_PASSPHRASE)
    consultant.certificate.verify_directly_issued_by(ca)
    assert "Gemeente Proef" in consultant.certificate.subject.rfc4514_string()
    with pytest.raises(PkiError, match="opent niet met deze wachtwoordzin"):
        load_identity(pki / "consultant.p12", "niet-de-zin")
    for path in pki.iterdir():
        data = path.read_bytes()
        assert b"BEGIN PRIVATE KEY" not in data and b"BEGIN RSA PRIVATE KEY" not in data
        if path.suffix == ".p12" or path.name == "ca-key.pem":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # openssl reads the PKCS#12 too: standard formats, not ours alone.
    checked = subprocess.run(
        [
            "openssl",
            "pkcs12",
            "-in",
            str(pki / "consultant.p12"),
            "-nokeys",
            "-passin",
            f"pass:{KEY_PASSPHRASE}",
        ],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and "BEGIN CERTIFICATE" in checked.stdout
    assert run("keys", "init", INBURGERING_KEY_PASSPHRASE=KEY_PASSPHRASE).returncode == 2


def test_a_forgotten_passphrase_is_recovered_with_the_back_office_key(isolated: Path) -> None:
    _init(isolated)
    backoffice = isolated / "pki" / "backoffice.p12"
    result = run(
        "recover",
        "--key",
        str(backoffice),
        passphrase=None,
        INBURGERING_KEY_PASSPHRASE=KEY_PASSPHRASE,
        INBURGERING_NEW_PASSPHRASE="een-nieuwe-wachtwoordzin",
    )
    assert result.returncode == 0, result.stderr
    with pytest.raises(WrongPassphrase):
        Vault(isolated).unlock(PASSPHRASE)
    store = Vault(isolated).unlock("een-nieuwe-wachtwoordzin")
    assert [c.family_name for c in store.list_cases()] == ["Steld"]
    store.close()


def test_recovery_refuses_a_key_that_is_not_the_back_offices(isolated: Path) -> None:
    _init(isolated)
    consultant = isolated / "pki" / "consultant.p12"
    result = run(
        "recover",
        "--key",
        str(consultant),
        INBURGERING_KEY_PASSPHRASE=KEY_PASSPHRASE,
        INBURGERING_NEW_PASSPHRASE="een-nieuwe-wachtwoordzin",
    )
    assert result.returncode == 2 and "does not unwrap" in result.stderr
    Vault(isolated).unlock(PASSPHRASE).close()  # nothing changed


def test_a_municipal_pkcs12_is_adopted_only_when_it_opens(isolated: Path, tmp_path: Path) -> None:
    _init(isolated)
    municipal = tmp_path / "pkioverheid.p12"
    municipal.write_bytes((isolated / "pki" / "backoffice.p12").read_bytes())
    refused = run("keys", "use", str(municipal), INBURGERING_KEY_PASSPHRASE="verkeerd-wachtwoord")
    assert refused.returncode == 2 and "opent niet met deze wachtwoordzin" in refused.stderr
    adopted = run("keys", "use", str(municipal), INBURGERING_KEY_PASSPHRASE=KEY_PASSPHRASE)
    assert adopted.returncode == 0 and "backoffice" in adopted.stdout
