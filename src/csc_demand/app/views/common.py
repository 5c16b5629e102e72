"""Small pieces shared by the pages: tables with readable numbers."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def show_table(df: pd.DataFrame, decimals: int = 0, key: str | None = None) -> None:
    """A table with numbers rounded to ``decimals`` places and thousands separators (the browser's locale)."""
    numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    shown = df.copy()
    if numeric:
        shown[numeric] = shown[numeric].astype(float).round(decimals)
    config = {c: st.column_config.NumberColumn(format="localized") for c in numeric}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, key=key)
