"""The script that ``streamlit run`` executes (``csc-demand app`` starts it): it only calls :func:`main`."""

from csc_demand.app.main import main

main()
