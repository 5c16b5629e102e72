"""The local web app (Streamlit): load Annex A, shape scenarios, see the forecast.

Start it with ``csc-demand app``. The app runs on 127.0.0.1 only and sends nothing anywhere: Streamlit's
own files and Plotly's JavaScript are served from the installed packages. Loaded data lives in the
session's memory only; nothing is written to disk unless the user downloads it.

Layout: :mod:`.streamlit_app` is the script Streamlit runs; :mod:`.main` the page structure;
:mod:`.state` the per-session data (loaded Annex A, cached estimates, scenarios); :mod:`.charts` pure
functions that turn a Forecast or an AnnexA into Plotly figures and tables (no Streamlit, so they are
tested directly); :mod:`.views` one module per page.
"""

#: Largest upload the app accepts, in megabytes (the biggest LA's Annex A workbook is a few MB).
MAX_UPLOAD_MB = 50
