"""Cooperation: who should work with whom, and why — partner finder, network, working groups."""

from atlas.text import t
from components.cooperation import cooperation_mode, cooperation_section, how_it_works
from components.data import current_view, language
from components.page import page_header

lang = language()
network, view, filters = current_view()
page_header(t("coop.title", lang), view, filters, lang)
mode = cooperation_mode(lang)
how_it_works(view, lang)
cooperation_section(network, view, mode, lang)
