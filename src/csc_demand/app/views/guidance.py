"""The "How this works" page: method, assumptions, limits, privacy and accessibility, in plain English."""

from __future__ import annotations

import streamlit as st

from csc_demand.app import MAX_UPLOAD_MB

TITLE = "How this works"

METHOD = """
**What the tool does.** It takes your Ofsted Annex A lists of referrals (List 3), child protection plans
(List 7) and children looked after (List 8), and children in need (List 6) when you give it, works out how
things usually go in your authority, and projects forward month by month under the scenarios you describe.

1. **Referrals.** The usual number of referrals a week is measured over a *reference window* (by default
   the most recent stretch of your data). With at least a year of history the tool also allows for the
   seasons (fewer referrals in August and at Christmas).
2. **Shocks and the new normal.** A scenario can hold shocks: a period when referrals change (for example
   40% fewer during a lockdown, or a different change for schools), the share of the missing referrals that
   come back later, and when and over how long they come back. It can also set a *new normal*: a lasting
   change from a date onwards. "Fit this period from my data" measures the change during a past period
   against the usual level in the weeks before it (at least four weeks of data before the period are
   needed), with an 80% interval and the change by referral source, so you can reuse it for a future shock.
3. **From referrals to plans and care.** The share of referrals that lead to a child protection plan or to
   care, and how long that takes, are measured from your own lists (the same child is linked across lists
   through a pseudonym).
4. **How long plans and care last.** Measured from your lists with a survival method that allows for the
   fact that Annex A only holds plans and periods of care that were still open, or had recently ended, at
   the extract date. Children already on a plan or in care leave at rates that depend on how long they have
   been there, and everyone leaves care at 18.
5. **Uncertainty.** The projection is run many times with random variation, both in what happens and in
   how well the rates are known. The chart shows the middle result (the median) and a band from P10 to
   P90: in 8 out of 10 runs the number fell inside the band.
6. **Costs and social workers.** Costs are children × weeks × the weekly unit cost you set, at the prices of
   the first forecast month, rising with the inflation you set; the first financial year, when the forecast
   starts after April, is marked with the months it covers ("2024-25 (Jan–Mar only)"). Social workers: see
   "Children in need and social workers" below.
7. **How far to trust this.** The backtest cuts your own data at a past date, forecasts from what came
   before, and compares the forecast with what happened: the typical error at 3, 6 and 12 months ahead and
   how often the actual figures fell inside the P10–P90 band (it should be about 8 times in 10).
"""

CASELOAD = """
- **What the caseload counts.** The DfE's caseload is the cases held ÷ the case-holding social workers
  (full-time equivalents, FTE), and it counts **every** child in need a social worker holds: children on a child
  protection plan and children looked after are children in need too. In England at 31 March 2025 there were
  402,400 children in need, of whom 49,420 were on plans and 81,770 looked after: plans and care are only about a
  third of the cases. So the tool forecasts children in need from List 6 (with children on a plan or in care
  kept inside them), and **case-holding social workers needed = children in need at the month end ÷ the
  caseload**.
- **Which caseload.** The scenario's own (`caseload_per_worker`, "Open cases per case-holding social worker" on
  the Scenarios page) when you set one; otherwise your authority's latest published caseload (DfE, children's
  social work workforce, 30 September) when you name it ("Your local authority"); otherwise England's latest
  (15.2 at 30 September 2025). The "Children in need and social workers" page, the Excel sheet and the HTML
  page say which was used.
- **The other workforce figures.** All social workers (FTE in post) = case holders ÷ the share of social
  workers who hold cases (England: 58.3%); posts, filled or vacant = all FTE ÷ (1 − the vacancy rate, England
  14.2%). A year's cost of a worker = salary × (1 + on-costs), with agency workers (England: 13%) costing the
  agency premium more. The salary, on-costs and premium are **illustrative** round figures, not your
  authority's: set your own.
- **A target caseload.** Set a target (and a date) on the Scenarios page, and the page answers "to bring
  caseloads to N by that date, how many more social workers, and what do they cost a year", from the number
  of case-holding social workers today (yours, or the first forecast month's children in need ÷ the caseload).
  The cost is at the prices of the first forecast month: pay is not raised for inflation.
- **Without List 6** there are no figures for children in need or social workers: open plans and children
  looked after alone would undercount the work by about two thirds. Load List 6 with the other lists.
"""

ASSUMPTIONS = """
- The future follows the past of your own data, changed only by the scenario you set.
- One Annex A extract covers six months of referrals: too short to see the seasons. Load several extracts
  taken at different dates (many authorities keep one a month) for a longer history and better forecasts.
  They may overlap or leave gaps: the data page shows what was observed when, each gap named, and the
  estimates use only the days observed.
- The default unit costs and social workers' pay are illustrative round figures, not your authority's: set
  your own. The default caseload is a published one (your authority's when you name it, else England's).
- Under "Beside your published figures" on the Forecast page, name your authority to see its figures as the
  DfE published them and a forecast from them beside this one at each 31 March. The DfE counts children in
  need and referrals by the census's rules, so a steady gap between the two can be a difference of
  definition rather than of forecast.
- Unaccompanied asylum-seeking children are included; their arrivals follow national policy rather than
  local demand.
"""

MONTHLY_FIGURES = """
Every authority keeps monthly performance figures for years: referrals, child protection plans started and
open, children who started care and children looked after at each month end. Those years are exactly what one
six-month extract lacks, so load them beside your lists ("Monthly figures" on the data page).

- **What to give.** A CSV or Excel sheet with one row per month: a `month` column (`2019-04`, `Apr 2019`,
  `01/04/2019` or an Excel date) and any of `referrals`, `cp_starts`, `cp_open`, `cla_starts`, `cla_open`.
  Starts and referrals are the month's counts; `cp_open` and `cla_open` are the numbers open at the month end.
  Blank cells are fine, and headers such as "Open CP plans" or "CLA at month end" are recognised. Give as many
  years as you have: two show the seasons, five are better.
- **What it buys.** The seasons (which months are busy, when one extract cannot show them); the last
  year's starts and numbers open, which tell the forecast where children looked after are heading, not just
  where they are today; and, with three years or more of open plans, their own recent level: open child
  protection plans tend to return towards it (the DfE's figures for every LA show it), so the forecast does
  too.
- **When the two disagree.** Where the monthly figures and the lists cover the same month, the tool compares
  them and notes every month more than 5% apart, with both figures. The forecast uses both; check which is
  right.
- **Bad rows.** A month that cannot be read, a month given twice, a total row, text or a negative number where
  a count should be: that row or figure is left out and explained with its row and column, and the rest of
  the file is used.
"""

LIMITS = """
- A forecast is only as good as the data and the scenario. Use the backtest to see how well the method did
  on your own data, and treat anything beyond a year ahead as a planning assumption, not a prediction.
- Changes the data cannot know about (a new service, a change of threshold at the front door, a court
  backlog) must be described as a shock or a new normal, or set as an override.
- Small authorities have few children on plans or in care, so their bands are wide.
"""

PRIVACY = f"""
- The app runs on this computer only (address 127.0.0.1). It sends nothing anywhere and loads nothing from
  the internet: no telemetry, no fonts or scripts from other sites. Pages from other web sites cannot talk
  to it, even one that points its own name at this computer.
- Files you upload (up to {MAX_UPLOAD_MB} MB each) and text you paste are kept in this browser session's
  memory only. Nothing is written to disk unless you download it. Closing the tab or stopping the app
  forgets them.
- Child IDs are replaced by pseudonyms as soon as a file is read; names, workers, teams, ethnicity,
  disability, postcodes and URNs are dropped; dates of birth are reduced to the month. No screen, table or
  download shows a child-level row.
"""

ACCESSIBILITY = """
We aim for WCAG 2.2 level AA as far as Streamlit allows. What we do: every chart has a short text
description for screen readers and a table of the same numbers beside it ("Show as a table"); every
control has a visible label and help text; scenarios are told apart by line style (solid, dashed, dotted…)
and by name in the legend and the tables, not by colour alone; colours are chosen to be distinguishable
with common colour-vision deficiencies; text is plain English.

**What does not fully meet WCAG 2.2 AA** (limits of Streamlit and Plotly that we cannot fix from the app):
- The charts are drawings: hovering to read values needs a mouse, and the chart toolbar is not fully
  usable with a keyboard or screen reader (1.1.1, 2.1.1). Use the table under each chart instead.
- The pale P10–P90 bands have less than 3:1 contrast against the background (1.4.11); the lines and the
  tables carry the same information.
- Some Streamlit controls have small targets (the "?" help icons, the sidebar's collapse arrow) below
  24 × 24 pixels (2.5.8), and the sticky header can partly cover the focused control when tabbing (2.4.11).
- When the forecast is recalculated the new numbers are not announced to screen readers (4.1.3).
- On very narrow screens (320 pixels wide) the wide tables scroll sideways (1.4.10).
- Date pickers and sliders are Streamlit's own: the date boxes accept typed dates (DD/MM/YYYY) and the
  sliders move with the arrow keys, but a screen reader reads a slider's value as a bare number.

This statement has not been checked by an independent audit. Please report any barrier you meet.
"""


def render() -> None:
    """Draw the guidance page."""
    st.title(TITLE)
    st.markdown("A short guide in plain English: the method, children in need and the social workers they need, "
                "what it assumes, what your monthly figures add, its limits, what happens to your data, and "
                "accessibility.")
    st.header("The method", divider="gray")
    st.markdown(METHOD)
    st.header("Children in need and social workers", divider="gray")
    st.markdown(CASELOAD)
    st.header("What it assumes", divider="gray")
    st.markdown(ASSUMPTIONS)
    st.header("Your monthly figures", divider="gray")
    st.markdown(MONTHLY_FIGURES)
    st.header("Limits", divider="gray")
    st.markdown(LIMITS)
    st.header("Your data", divider="gray")
    st.markdown(PRIVACY)
    st.header("Accessibility", divider="gray")
    st.markdown(ACCESSIBILITY)
