"""Map: the network's members, areas and links on Germany's states and districts, offline."""

from atlas.text import t
from components.data import current_view, language
from components.map_view import map_section
from components.page import page_header

lang = language()
network, view, filters = current_view()
page_header(t("map.title", lang), view, filters, lang)
map_section(network, view, filters, lang)
