"""The fixed prose of the partner files (workbook and factsheet), in bokmål and English.

Column headers and coded values are not here: they come from the table schema
(``asker_pipeline/schema/columns.py``) and ``assets/value_labels.csv``. Names of KPIs, categories
and municipalities come from the catalogue and the municipality table. Placeholders are filled
with ``str.format``."""

from __future__ import annotations

from asker_pipeline.missing import is_missing

TEXTS: dict[str, dict[str, str]] = {
    "nb": {
        # sheet names (Excel: at most 31 characters)
        "sheet_overview": "Oversikt",
        "sheet_readme": "Les meg",
        "sheet_categories": "Kategorier",
        "sheet_kpis": "KPI-er",
        "sheet_comparison": "Sammenligning",
        "sheet_quality": "Datakvalitet",
        "sheet_not_reported": "Ikke rapportert",
        "sheet_sources": "Kilder",
        # overview
        "title": "U4SSC-benchmark for {name} kommune ({code})",
        "subtitle": "Dataår {year} · sammenlignet med {peers} · nullpunkt {release}",
        "example_notice": "EKSEMPELDATA: {n} av {total} verdier i denne filen er eksempeldata, "
        "ikke kommunens virkelige tall.",
        "no_example": "Alle verdiene er kommunens egne eller hentet fra åpne data.",
        "zero_point_line": "Nullpunktet (basisår {year}, utgave {release}): {percent} % av "
        "maksimal poengsum, {reported} av {points} datapunkter rapportert.",
        "chart_dimensions": "Dimensjoner: {name} og medianen i nettverket",
        "chart_categories": "Kategorier: {name} og medianen i nettverket",
        "series_median": "Median i nettverket",
        "axis_percent": "Prosent av maks poengsum",
        "band_legend": "Bånd:",
        "footer": "{name} ({code}) · dataår {year} · utgave {release}",
        "page": "side &P av &N",
        "no_rows": "Ingen rader.",
        "quality_missing": "Datakvalitetsrapporten er ikke tilgjengelig i denne kjøringen.",
        # read me
        "readme_title": "Les meg",
        "what_label": "Hva er dette?",
        "what": "Kommunens verdier for U4SSCs indikatorer for smarte og bærekraftige byer "
        "(91 indikatorer, 112 datapunkter), målt mot mål og sammenlignet med {peers} "
        "({peer_set}). Tallene i Oversikt gjelder dataåret {year}.",
        "example_label": "Eksempeldata",
        "method_label": "Metode",
        "method": "Hver rapportert verdi måles mot et mål: høyere er bedre gir verdi / mål × 100, "
        "lavere er bedre gir mål / verdi × 100, begge med tak på 100 (kolonnen «uten tak» viser "
        "tallet før taket). Mål som naturlig er 0 måles mellom en dårligste verdi og målet "
        "(målestolper). Dimensjoner, underdimensjoner og kategorier får poeng ÷ (4 × antall "
        "scorede verdier). Verdier uten mål eller uten rapportert tall er ikke med.",
        "bands_label": "Slik leser du et bånd",
        "bands": "Prosent av mål gir poeng i U4SSCs fire bånd: under 33 % = 1 poeng (rødt), "
        "33–66 % = 2 (oransje), 66–95 % = 3 (gult), 95 % og over = 4 (grønt). Grønt betyr at "
        "målet er nådd eller nesten nådd; rødt at det er langt igjen.",
        "comparison_label": "Sammenligning",
        "comparison": "Bare verdier i samme enhet sammenlignes, for samme år eller nærmeste år "
        "(vist i årsmerknaden). Rangering 1 = best; like verdier deler plass. Medianen er "
        "medianen for de andre kommunene. Forsprang på medianen er positivt når kommunen er "
        "bedre, uansett om høyere eller lavere er bedre. Persentil 100 = bedre enn alle.",
        "intervals_label": "Rangering med usikkerhet",
        "intervals": "«Rangering 2 (1–4) av 5» betyr at kommunen er nummer 2 av de 5 som "
        "sammenlignes, med tallene slik de er rapportert. Men hvert tall er usikkert, og mer jo "
        "svakere datakvaliteten er: et personlig anslag mer enn en telling i et register. Vi har "
        "latt alle tallene variere innenfor sin usikkerhet 1 000 ganger og rangert kommunene på "
        "nytt hver gang. I 90 av 100 omganger havnet kommunen mellom plass 1 og 4: det er "
        "intervallet i parentes. Et bredt intervall betyr at tallene ikke skiller kommunene "
        "sikkert; står det bare «2 av 5», fikk kommunen samme plass hver gang. «Sannsynlighet for "
        "å være best» er andelen av omgangene der kommunen var nummer 1. Usikkerheten følger "
        "datakvalitetsnivået kommunen oppga for tallet, fra {low} % for nøyaktige målinger til "
        "{high} % for ukjent metode ({default} % når nivået ikke er oppgitt); tall fra SSB regnes "
        "som nøyaktige målinger.",
        "national_label": "Fylket og hele landet",
        "national": "Der minst halvparten av kommunene i fylket eller landet har et tall (i dag "
        "tallene fra SSBs åpne data), viser Sammenligning også plasseringen der: «Hele landet: "
        "persentil 85» betyr at kommunen er bedre enn 85 % av de andre kommunene i landet som har "
        "et tall for samme år. Bare kommunens egen plassering vises (og hovedkommunens), ikke en "
        "kolonne per kommune.",
        "position_rank": "{set}: rangering (90 %)",
        "position_percentile": "{set}: persentil",
        "subject_percentile": "{set}: persentil for {name}",
        "rank_of": "{rank} ({low}–{high}) av {n}",
        "rank_certain": "{rank} av {n}",
        "year_label": "Dataår",
        "year_rule": "Oversikten viser {year}: det siste året der kommunen har minst halvparten "
        "så mange scorede verdier som i sitt beste år. KPI-er viser alle år.",
        "not_reported_label": "Ikke rapportert",
        "review_label": "Til kontroll",
        "review": "Verdier merket «til kontroll» er under kontroll og kan bli rettet.",
        "versions_label": "Versjoner",
        "versions": "KPI-katalog {catalogue_version}, mål {targets_version}, metode "
        "{method_version}, nullpunktsutgave {baseline_release_id}.",
        "glossary_label": "Ordliste: kolonnene i denne filen",
        "not_reported_subject": "Datapunkter uten rapportert verdi i nullpunktets basisår.",
        "not_reported_partner": "Datapunkter uten rapportert verdi i noe år.",
        # factsheet
        "factsheet_title": "U4SSC faktaark: {name} kommune ({code})",
        "factsheet_dimensions": "Dimensjoner",
        "factsheet_kpis": "Indikatorene",
        "factsheet_review": "til kontroll",
        "factsheet_rank": "Rang.",
        "factsheet_national": "Land",
        "factsheet_median": "Median",
        "factsheet_rank_note": "Rang.: plass i nettverket (1 = best), i parentes plassene i 90 av "
        "100 omganger der tallene varierer innenfor sin usikkerhet · Median: i nettverket · Land: "
        "persentil blant alle kommuner i landet med et tall (100 = best)",
        "factsheet_sources": "Kilder: kommunens regneark og åpne data fra SSB. Hele tabellen: "
        "benchmark-arbeidsboken og Parquet-filene i samme eksport.",
    },
    "en": {
        "sheet_overview": "Overview",
        "sheet_readme": "Read me",
        "sheet_categories": "Categories",
        "sheet_kpis": "KPIs",
        "sheet_comparison": "Comparison",
        "sheet_quality": "Data quality",
        "sheet_not_reported": "Not reported",
        "sheet_sources": "Sources",
        "title": "U4SSC benchmark for {name} ({code})",
        "subtitle": "Data year {year} · compared with {peers} · zero point {release}",
        "example_notice": "EXAMPLE DATA: {n} of {total} values in this file are example data, "
        "not the municipality's real figures.",
        "no_example": "Every value is the municipality's own or from open data.",
        "zero_point_line": "The zero point (baseline year {year}, release {release}): {percent} % "
        "of the maximum points, {reported} of {points} data points reported.",
        "chart_dimensions": "Dimensions: {name} and the network median",
        "chart_categories": "Categories: {name} and the network median",
        "series_median": "Network median",
        "axis_percent": "Percent of maximum points",
        "band_legend": "Bands:",
        "footer": "{name} ({code}) · data year {year} · release {release}",
        "page": "page &P of &N",
        "no_rows": "No rows.",
        "quality_missing": "The data-quality report is not available in this run.",
        "readme_title": "Read me",
        "what_label": "What is this?",
        "what": "The municipality's values for U4SSC's Key Performance Indicators for Smart "
        "Sustainable Cities (91 KPIs, 112 data points), scored against targets and compared with "
        "{peers} ({peer_set}). The Overview shows data year {year}.",
        "example_label": "Example data",
        "method_label": "Method",
        "method": "Every reported value is scored against a target: higher is better gives value / "
        "target × 100, lower is better gives target / value × 100, both capped at 100 (the "
        "'uncapped' column shows the figure before the cap). Targets that are naturally 0 are "
        "scored between a worst value and the target (goalposts). Dimensions, sub-dimensions and "
        "categories get points ÷ (4 × values scored). Values without a target or without a "
        "reported figure are left out.",
        "bands_label": "How to read a band",
        "bands": "The percentage of target gives points in U4SSC's four bands: under 33 % = 1 point "
        "(red), 33–66 % = 2 (orange), 66–95 % = 3 (yellow), 95 % and over = 4 (green). Green "
        "means the target is met or nearly met; red that there is a long way to go.",
        "comparison_label": "Comparison",
        "comparison": "Only values in the same unit are compared, for the same year or the nearest "
        "year (shown in the year note). Rank 1 = best; ties share a rank. The median is the "
        "median of the other municipalities. The lead over the median is positive when the "
        "municipality is better, whichever way is better. Percentile rank 100 = better than all.",
        "intervals_label": "Rank and its uncertainty",
        "intervals": "'Rank 2 (1–4) of 5' means the municipality is number 2 of the 5 compared, "
        "with the figures as reported. But every figure is uncertain, the more so the weaker its "
        "data quality: a personal estimate more than a register count. We let every figure vary "
        "within its uncertainty 1,000 times and ranked the municipalities again each time. In 90 "
        "of 100 rounds the municipality came between 1st and 4th: that is the interval in "
        "brackets. A wide interval means the figures do not tell the municipalities apart with "
        "certainty; plain '2 of 5' means it came 2nd every time. 'Probability of being best' is "
        "the share of the rounds in which it was number 1. The uncertainty follows the data-quality "
        "level the municipality gave for the figure, from {low} % for accurate measurements to "
        "{high} % for an unknown methodology ({default} % when no level is given); Statistics "
        "Norway's figures count as accurate measurements.",
        "national_label": "County and all of Norway",
        "national": "Where at least half of the municipalities of the county or the country have a "
        "figure (today Statistics Norway's open data), the Comparison also shows the position "
        "there: 'All of Norway: percentile rank 85' means the municipality is better than 85 % "
        "of the other municipalities in the country with a figure for the same year. Only the "
        "municipality's own position is shown (and the subject's), never a column per "
        "municipality.",
        "position_rank": "{set}: rank (90 %)",
        "position_percentile": "{set}: percentile rank",
        "subject_percentile": "{set}: percentile rank of {name}",
        "rank_of": "{rank} ({low}–{high}) of {n}",
        "rank_certain": "{rank} of {n}",
        "year_label": "Data year",
        "year_rule": "The Overview shows {year}: the latest year in which the municipality has at "
        "least half as many scored values as in its best year. KPIs shows every year.",
        "not_reported_label": "Not reported",
        "review_label": "Under review",
        "review": "Values marked 'under review' are being checked and may be corrected.",
        "versions_label": "Versions",
        "versions": "KPI catalogue {catalogue_version}, targets {targets_version}, method "
        "{method_version}, zero-point release {baseline_release_id}.",
        "glossary_label": "Glossary: the columns of this file",
        "not_reported_subject": "Data points without a reported value in the zero point's "
        "baseline year.",
        "not_reported_partner": "Data points without a reported value in any year.",
        "factsheet_title": "U4SSC factsheet: {name} ({code})",
        "factsheet_dimensions": "Dimensions",
        "factsheet_kpis": "The indicators",
        "factsheet_review": "under review",
        "factsheet_rank": "Rank",
        "factsheet_national": "Norw.",
        "factsheet_median": "Median",
        "factsheet_rank_note": "Rank: in the network (1 = best), in brackets the ranks in 90 of 100 "
        "rounds in which the figures vary within their uncertainty · Median: of the network · "
        "Norw.: percentile rank among all municipalities of Norway with a figure (100 = best)",
        "factsheet_sources": "Sources: the municipality's workbooks and open data from Statistics "
        "Norway. The whole table: the benchmark workbook and the Parquet files of this export.",
    },
}


def text(language: str, key: str, **values: object) -> str:
    return TEXTS[language][key].format(**values)


def rank_text(rank: object, low: object, high: object, n: object, language: str) -> str | None:
    """A rank with its 90 % interval as the partner files write it: "2 (1–4) av 5", or "2 av 5"
    when every draw gave the same rank; without ``n`` (the factsheet) "2 (1–4)" or "2". None
    without a rank (a value under review)."""
    if is_missing(rank):
        return None
    certain = is_missing(low) or is_missing(high) or low == high == rank
    if is_missing(n):
        return f"{int(rank)}" if certain else f"{int(rank)} ({int(low)}–{int(high)})"
    numbers = {"rank": int(rank), "n": int(n)}
    if certain:
        return text(language, "rank_certain", **numbers)
    return text(language, "rank_of", low=int(low), high=int(high), **numbers)


def join_names(names: list[str], language: str) -> str:
    """"Bærum, Trondheim og Ålesund" / "Bærum, Trondheim and Ålesund"."""
    if len(names) <= 1:
        return "".join(names)
    word = " og " if language == "nb" else " and "
    return ", ".join(names[:-1]) + word + names[-1]
