import pytest

from csc_demand.io.dfe import DfePublished, read_dfe


@pytest.fixture(scope="session")
def pub_small() -> DfePublished:
    """The bundled DfE figures cut to England, the regions and 30 local authorities (fast fits)."""
    pub = read_dfe()
    t = pub.table
    local = sorted(t.loc[t["level"] == "local", "la_code"].unique())[:30]
    keep = (t["level"] != "local") | t["la_code"].isin(local)
    return DfePublished(table=t[keep].reset_index(drop=True), notes=(), source="test")
