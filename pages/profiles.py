"""Profiles: one municipality, one project, or 2 to 4 municipalities side by side.
Deep links: ?municipality=<id>, ?project=<id>, ?compare=<id>&compare=<id>."""

from atlas.text import t
from components.asof import show_as_of
from components.data import current_view, language
from components.page import page_header
from components.profile import profile_choice, profile_choices, profile_mode, show_profile

lang = language()
network, view, filters = current_view()
page_header(t("profiles.title", lang), view, filters, lang)

mode = profile_mode(lang)
# choices come from the filtered view; a linked id outside the filters is still offered
choice = profile_choice(mode, profile_choices(network, view), lang)
show_as_of(network, lang)  # the phases below are computed for today
show_profile(network, mode, choice, lang)
