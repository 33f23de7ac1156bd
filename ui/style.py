"""The page's look: a theme and a little CSS, chosen for contrast (WCAG 2.1 AA).

Gradio's default orange (#f97316) under white text has a contrast of 2.8:1 and its footer
grey (#bbbbc2) 1.9:1; AA asks for 4.5:1. The primary colour here is blue-800 (#1e40af,
8.7:1 against white); selected tabs and footer links get dark text. axe-core checks every tab
at desktop and phone width in ``tests/test_browser.py``.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

PRIMARY = "#1e40af"
PRIMARY_DARK = "#1e3a8a"

CSS = f"""
button[role="tab"][aria-selected="true"], button[role="tab"].selected {{
    color: {PRIMARY} !important;
    border-color: {PRIMARY} !important;
}}
footer, footer a, footer button, footer span {{ color: #374151 !important; }}
.partner-name {{ margin: 0 0 0.2rem 0; font-size: 1.15rem; }}
.partner-kind {{ margin: 0; color: #374151; }}
.partner-topics {{
    display: flex; flex-wrap: wrap; gap: 0.35rem; list-style: none; padding: 0; margin: 0.4rem 0;
}}
.partner-topics .topic {{
    border: 1px solid {PRIMARY}; color: {PRIMARY_DARK}; border-radius: 999px;
    padding: 0.05rem 0.6rem; font-size: 0.9em; margin: 0;
}}
/* Status lines are one short Markdown each. Gradio gives every block `overflow: auto`; while a
   block grows into place on a 390 px screen, axe-core then found an unfocusable scrollable
   region (#staff-overview, 1 run in 3). They never need to scroll: wrap long words instead. */
#staff-overview, #staff-login-status, #staff-upload-name, #staff-add-status, #staff-save-status {{
    overflow: visible !important; overflow-wrap: anywhere;
}}
"""


def theme() -> gr.themes.Base:
    """Gradio's default theme with a dark blue primary colour."""
    return gr.themes.Default(primary_hue=gr.themes.colors.blue).set(
        button_primary_background_fill=PRIMARY,
        button_primary_background_fill_hover=PRIMARY_DARK,
        button_primary_text_color="#ffffff",
        button_primary_border_color=PRIMARY,
        checkbox_background_color_selected=PRIMARY,
        slider_color=PRIMARY,
    )


def page_options() -> dict[str, Any]:
    """What every launch of the page passes (Gradio 6 takes theme and CSS at launch)."""
    return {"theme": theme(), "css": CSS, "footer_links": ["api"]}
