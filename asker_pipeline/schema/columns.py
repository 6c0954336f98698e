"""Every column name the warehouse uses, with one meaning and one type each.

Tables (``tables.py``) pick columns from here, so ``year`` or ``percent_of_target`` mean the same
in every table and file. Columns partners see in the exported files carry a Norwegian and an
English header and a bokmål description for the data dictionary."""

from __future__ import annotations

from asker_pipeline.schema.core import Column

VOCABULARY: dict[str, Column] = {}


def _col(
    name: str,
    type_: str,
    description: str,
    nb: str | None = None,
    en: str | None = None,
    nb_description: str | None = None,
    unit: str | None = None,
    values: str | None = None,
) -> Column:
    if name in VOCABULARY:
        raise ValueError(f"column {name!r} declared twice")
    column = Column(name, type_, description, nb, en, nb_description, unit=unit, values=values)
    VOCABULARY[name] = column
    return column


# --- identity: who, when, which KPI ------------------------------------------------------------
MUNICIPALITY_CODE = _col(
    "municipality_code", "VARCHAR",
    "Today's four-digit municipality code (reference.municipalities); a predecessor's code is "
    "mapped to today's.",
    "Kommunenummer", "Municipality code", "Dagens kommunenummer (fire siffer).",
)
MUNICIPALITY_NAME = _col(
    "municipality_name", "VARCHAR", "Today's municipality name.",
    "Kommune", "Municipality", "Kommunens navn i dag.",
)
SOURCE_MUNICIPALITY_CODE = _col(
    "source_municipality_code", "VARCHAR",
    "The municipality code as the source gave it (a predecessor's code for a year before a merger "
    "or renumbering).",
)
AREA_CODE = _col(
    "area_code", "VARCHAR",
    "The code of the area the value describes: the code it was reported under when that area is "
    "not today's municipality's (a merger, split or boundary change since), else today's code.",
    "Område", "Area", "Koden til området verdien gjelder: koden den ble rapportert under når "
    "området ikke er dagens kommune (sammenslåing, deling eller grenseendring siden), ellers "
    "dagens kommunenummer.",
)
FORMER_AREA = _col(
    "former_area", "BOOLEAN",
    "The value describes a former area (e.g. Asker before the 2020 merger), not today's "
    "municipality's: compare it with care.",
    "Tidligere område", "Former area",
    "Verdien gjelder et tidligere område (f.eks. Asker før sammenslåingen i 2020), ikke dagens "
    "kommune: sammenlign med varsomhet.",
    values="boolean",
)
YEAR = _col(
    "year", "INTEGER", "The year the value describes.",
    "År", "Year", "Året verdien gjelder.",
)
KPI_CODE = _col(
    "kpi_code", "VARCHAR",
    "U4SSC KPI code as the catalogue writes it: dimension : sub-dimension : category : number, "
    "C for core or A for advanced (e.g. 'EC: ICT: ICT: 1C').",
    "KPI-kode", "KPI code",
    "U4SSC-indikatorens kode: dimensjon : underdimensjon : kategori : nummer, C for kjerne- og A "
    "for avansert indikator.",
)
DATA_POINT = _col(
    "data_point", "VARCHAR",
    "Which data point of the KPI: 'main' for a single-value KPI, otherwise e.g. 'no2' or "
    "'cycling'.",
    "Datapunkt", "Data point",
    "Hvilket datapunkt i indikatoren: 'main' (hovedtall) når indikatoren har én verdi, ellers "
    "f.eks. 'no2'.",
    values="data_point",
)
DIMENSION_CODE = _col(
    "dimension_code", "VARCHAR", "U4SSC dimension: EC (Economy), EN (Environment), SC (Society "
    "and Culture).",
    "Dimensjon", "Dimension", "U4SSC-dimensjon: EC (økonomi), EN (miljø), SC (samfunn og kultur).",
)
SUB_DIMENSION_CODE = _col(
    "sub_dimension_code", "VARCHAR", "U4SSC sub-dimension code within the dimension (e.g. ICT, P).",
    "Underdimensjon", "Sub-dimension", "U4SSC-underdimensjonens kode innen dimensjonen.",
)
CATEGORY_CODE = _col(
    "category_code", "VARCHAR", "U4SSC category code within the sub-dimension (e.g. WS, EM).",
    "Kategori", "Category", "U4SSC-kategoriens kode innen underdimensjonen.",
)
CATEGORY_NODE = _col(
    "category_node", "VARCHAR",
    "The category's place in the tree, 'dimension: sub-dimension: category' (e.g. 'EC: P: EM'); "
    "unique where category codes repeat.",
    "Kategorinode", "Category node",
    "Kategoriens plass i treet, 'dimensjon: underdimensjon: kategori' (f.eks. 'EC: P: EM').",
)
CATEGORY_EN = _col(
    "category_en", "VARCHAR", "Category name in English.",
    "Kategori (engelsk)", "Category", "Kategoriens navn på engelsk.",
)
CATEGORY_NB = _col(
    "category_nb", "VARCHAR", "Category name in Norwegian (bokmål).",
    "Kategori", "Category (Norwegian)", "Kategoriens navn på bokmål.",
)
KPI_NAME_EN = _col(
    "kpi_name_en", "VARCHAR", "KPI name in English (U4SSC's wording).",
    "Indikator (engelsk)", "KPI", "Indikatorens navn på engelsk (U4SSCs ordlyd).",
)
KPI_NAME_NB = _col(
    "kpi_name_nb", "VARCHAR", "KPI name in Norwegian (bokmål).",
    "Indikator", "KPI (Norwegian)", "Indikatorens navn på bokmål.",
)
DATA_POINT_NAME_EN = _col(
    "data_point_name_en", "VARCHAR",
    "Data point name in English: the KPI's name, and which data point where it has several.",
    "Indikator og datapunkt (engelsk)", "KPI and data point",
    "Indikatorens navn på engelsk, og hvilket datapunkt når den har flere.",
)
DATA_POINT_NAME_NB = _col(
    "data_point_name_nb", "VARCHAR",
    "Data point name in Norwegian (bokmål): the KPI's name, and which data point where it has "
    "several.",
    "Indikator og datapunkt", "KPI and data point (Norwegian)",
    "Indikatorens navn på bokmål, og hvilket datapunkt når den har flere.",
)
KPI_TYPE = _col(
    "kpi_type", "VARCHAR", "core or advanced (U4SSC's C and A suffix).",
    "Type", "Type", "Kjerneindikator eller avansert indikator (C eller A sist i koden).",
    values="kpi_type",
)
UNIT = _col(
    "unit", "VARCHAR",
    "Unit key from assets/units.csv (e.g. 'percent', 'per_100k_inhabitants'); the units table "
    "gives its label and allowed range.",
    "Enhet", "Unit", "Enhetsnøkkel fra enhetstabellen (f.eks. prosent, per 100 000 innbyggere).",
    values="unit",
)
DIRECTION = _col(
    "direction", "VARCHAR",
    "Which way is better: 'higher', 'lower' or 'none' (not scored).",
    "Retning", "Direction", "Hva som er bedre: høyere, lavere eller ingen (scores ikke).",
    values="direction",
)
SDG_GOALS = _col(
    "sdg_goals", "VARCHAR", "UN Sustainable Development Goals the KPI is linked to ('6; 11').",
    "Bærekraftsmål", "SDGs", "FNs bærekraftsmål indikatoren er knyttet til.",
)

# --- values (the common value model) -----------------------------------------------------------
VALUE = _col(
    "value", "DOUBLE", "The value, in `unit`; empty unless the status is 'reported'.",
    "Verdi", "Value", "Verdien, i enheten som står i enhetskolonnen; tom når den ikke er "
    "rapportert.",
)
STATUS = _col(
    "status", "VARCHAR",
    "reported, or why there is no value: not_reported (NR), missing (..), confidential (:), "
    "not_applicable (.).",
    "Status", "Status",
    "Rapportert, eller hvorfor verdien mangler: ikke rapportert (NR), mangler (..), skjermet (:), "
    "ikke aktuelt (.).", values="status",
)
SOURCE_KIND = _col(
    "source_kind", "VARCHAR", "Where the value came from: 'spreadsheet' or 'open_data'.",
    "Kildetype", "Source type", "Hvor verdien kom fra: regneark eller åpne data.",
    values="source_kind",
)
SOURCE_REF = _col(
    "source_ref", "VARCHAR",
    "Where the value came from, in one line: file, sheet and cell, or provider, table and query.",
    "Kilde", "Source", "Hvor verdien kom fra: fil, ark og celle, eller leverandør, tabell og "
    "spørring.",
)
SOURCE_FILE = _col(
    "source_file", "VARCHAR", "The spreadsheet or snapshot file the value was read from, relative "
    "to the sources folder.",
    "Kildefil", "Source file", "Regnearket eller øyeblikksbildet verdien ble lest fra.",
)
SOURCE_SHEET = _col("source_sheet", "VARCHAR", "Worksheet the value was read from.")
SOURCE_CELL = _col(
    "source_cell", "VARCHAR", "Cell the value was read from (A1 notation).",
    "Celle", "Cell", "Cellen verdien ble lest fra (A1-notasjon).",
)
SOURCE_SHA256 = _col(
    "source_sha256", "VARCHAR", "sha256 of the file the value was read from, as loaded."
)
PROVIDER = _col(
    "provider", "VARCHAR", "Open-data provider, e.g. 'SSB' (Statistics Norway).",
    "Leverandør", "Provider", "Leverandøren av åpne data, f.eks. SSB (Statistisk sentralbyrå).",
)
TABLE_ID = _col(
    "table_id", "VARCHAR", "The provider's table id, e.g. '07459'.",
    "Tabell", "Table", "Leverandørens tabellnummer, f.eks. 07459.",
)
QUERY = _col("query", "VARCHAR", "The API query that returned the value (for open data, the "
             "snapshot's query narrowed to the value's own region codes and year).")
RETRIEVED_AT = _col(
    "retrieved_at", "TIMESTAMP", "When the provider was asked (UTC), from the snapshot.",
    "Hentet", "Retrieved", "Når leverandøren ble spurt (UTC), fra øyeblikksbildet.",
)
LOADED_AT = _col(
    "loaded_at", "TIMESTAMP",
    "When the pipeline first loaded this version of the source (UTC); unchanged files keep it.",
)
DATA_QUALITY = _col(
    "data_quality", "VARCHAR",
    "U4SSC data-quality level the reporter chose (accurate measurement, survey extrapolation, ...).",
)
IS_EXAMPLE = _col(
    "is_example", "BOOLEAN", "True for bundled example data: not a municipality's real figure.",
    "Eksempeldata", "Example data",
    "Sann for eksempeldata som følger med: ikke et reelt tall for kommunen.", values="boolean",
)
NOTE = _col("note", "VARCHAR", "Free-text note; 'FLAG:' marks a value to review.")
PRECEDENCE = _col(
    "precedence", "INTEGER", "Rank of the source kind when two sources give the same value "
    "(1 = spreadsheet wins over 2 = open data).",
)
IS_SELECTED = _col(
    "is_selected", "BOOLEAN", "This row is the one scoring uses for its municipality, year and "
    "data point.",
)
SUPERSEDED_BY = _col(
    "superseded_by", "VARCHAR", "The source_ref of the row that won instead of this one.",
)

# --- spreadsheet load ---------------------------------------------------------------------------
PARTITION_KEY = _col(
    "partition_key", "VARCHAR", "The Dagster partition (one per municipality) the file was loaded "
    "in.",
)
FILE = _col("file", "VARCHAR", "Workbook file, relative to the sources folder.")
SHA256 = _col("sha256", "VARCHAR", "sha256 of the workbook file.")
SHEET = _col("sheet", "VARCHAR", "Worksheet of the rejected cell; empty when the whole file is "
             "rejected.")
CELL = _col("cell", "VARCHAR", "The offending cell (A1 notation).")
RAW_TEXT = _col("raw_text", "VARCHAR", "The offending cell as typed.")
ROW_TEXT = _col("row_text", "VARCHAR", "The whole row as typed.")
REASON = _col(
    "reason", "VARCHAR", "Why it was rejected, naming file, sheet, cell and raw text, in words a "
    "municipal employee can act on.",
)
REPLACED_FILE = _col(
    "replaced_file", "VARCHAR", "The earlier workbook for the same municipality and year that this "
    "one replaced.",
)
REPLACED_SHA256 = _col("replaced_sha256", "VARCHAR", "sha256 of the replaced workbook.")
VALUES_LOADED = _col(
    "values_loaded", "INTEGER", "Values the workbook gave (any status).",
    "Antall verdier", "Values", "Antall verdier kilden ga.",
)
ROWS_REJECTED = _col("rows_rejected", "INTEGER", "Rows of the workbook that were quarantined.")
FILE_REJECTED = _col("file_rejected", "BOOLEAN", "The whole file was rejected (unreadable, "
                     "wrong name, superseded).")

# --- open data ----------------------------------------------------------------------------------
SERIES_ID = _col("series_id", "VARCHAR", "Registry series (sources/opendata/registry.yaml).")
CERTAINTY = _col(
    "certainty", "VARCHAR", "How sure the project is of the table or code: V read on the "
    "provider's pages, V3 seen in third-party code, U unverified.",
)
REFRESH_OUTCOME = _col(
    "refresh_outcome", "VARCHAR", "offline (snapshot read), refreshed, or failed (last good "
    "snapshot kept).",
)
REFRESH_ERROR = _col("refresh_error", "VARCHAR", "Why a refresh failed.")
REGION_CODE = _col("region_code", "VARCHAR", "Region code as the provider gave it (e.g. "
                   "'K-3203', '0220').")
PERIOD = _col("period", "VARCHAR", "The provider's time label (e.g. '2019').")
DIMENSIONS = _col("dimensions", "VARCHAR", "The cell's other dimensions, as 'name=code; ...'.")
SYMBOL = _col("symbol", "VARCHAR", "The provider's status symbol ('..', ':', '.'), empty for a "
              "number.")
SOURCE_CODES = _col("source_codes", "VARCHAR", "The provider's region codes summed into this "
                    "value.")
METHOD = _col("method", "VARCHAR", "How the value for today's municipality was obtained.")
BOUNDARY = _col("boundary", "VARCHAR", "Which area the value covers (today's, or a former one).")

# --- reference data -----------------------------------------------------------------------------
CODE = _col("code", "VARCHAR", "The code this row describes.")
NAME = _col("name", "VARCHAR", "The name of what the row describes.")
NAME_EN = _col("name_en", "VARCHAR", "Name in English.")
NAME_NB = _col("name_nb", "VARCHAR", "Name in Norwegian (bokmål).")
NAME_ASCII = _col("name_ascii", "VARCHAR", "Name without æ, ø, å, for file names.")
ROLE = _col("role", "VARCHAR", "The municipality's role: 'subject' (the baseline is for it) or "
            "'partner'.")
COUNTY = _col("county", "VARCHAR", "County (fylke) today.")
COUNTY_CODE = _col("county_code", "VARCHAR", "Two-digit county number today (the first two digits "
                   "of the municipality code).")
NAME_OFFICIAL = _col("name_official", "VARCHAR", "The official name as Statistics Norway's KLASS "
                     "classification 131 gives it, with Sami and Kven forms where the name has them "
                     "('Hábmer - Hamarøy'); ``name`` is the Norwegian part.")
DIMENSION_EN = _col("dimension_en", "VARCHAR", "Dimension name in English.")
DIMENSION_NB = _col("dimension_nb", "VARCHAR", "Dimension name in Norwegian.")
SUB_DIMENSION_EN = _col("sub_dimension_en", "VARCHAR", "Sub-dimension name in English.")
SUB_DIMENSION_NB = _col("sub_dimension_nb", "VARCHAR", "Sub-dimension name in Norwegian.")
DEFINITION_EN = _col("definition_en", "VARCHAR", "What the KPI measures, in English.")
DEFINITION_NB = _col("definition_nb", "VARCHAR", "What the KPI measures, in Norwegian.")
SDG_TARGETS = _col("sdg_targets", "VARCHAR", "SDG targets linked to the KPI ('11.6; 6.3').")
UNIT_INFERRED = _col(
    "unit_inferred", "BOOLEAN", "The unit was inferred by the project, not read in ITU's text "
    "(assets/CATALOGUE.md).",
)
CODE_NOTE = _col("code_note", "VARCHAR", "How a disputed code was settled.")
ALIAS = _col("alias", "VARCHAR", "A code other catalogues use for the KPI.")
LABEL_EN = _col("label_en", "VARCHAR", "Label in English.")
LABEL_NB = _col("label_nb", "VARCHAR", "Label in Norwegian.")
MIN_VALUE = _col("min_value", "DOUBLE", "Lowest value the unit allows.")
MAX_VALUE = _col("max_value", "DOUBLE", "Highest plausible value for the unit; above it a value "
                 "is rejected.")
KIND = _col("kind", "VARCHAR", "What sort of thing the row is (see the table).")
NOTES = _col("notes", "VARCHAR", "Notes on the row, in words.")
OLD_CODE = _col("old_code", "VARCHAR", "Municipality code before the change.")
OLD_NAME = _col("old_name", "VARCHAR", "Municipality name before the change.")
NEW_CODE = _col("new_code", "VARCHAR", "Municipality code after the change.")
NEW_NAME = _col("new_name", "VARCHAR", "Municipality name after the change.")
CHANGE_OCCURRED = _col("change_occurred", "DATE", "Date the change took effect.")
VALID_FROM = _col("valid_from", "DATE", "First day the code was valid (empty: before 2018).")
VALID_TO = _col("valid_to", "DATE", "First day the code was no longer valid (empty: still valid).")
SOURCE = _col("source", "VARCHAR", "Where the fact was read.")
CURRENT_CODE = _col("current_code", "VARCHAR", "Today's municipality the code belongs to.")
RELATION = _col("relation", "VARCHAR", "How the code relates to today's municipality (same, "
                "renumbered, merged into, ...).")
PATH = _col("path", "VARCHAR", "The chain of codes from this one to today's.")
TARGET_SOURCE = _col(
    "target_source", "VARCHAR", "Where the target comes from (document, year, section).",
    "Målkilde", "Target source", "Hvor målet kommer fra (dokument, år, del).",
)
RATIONALE = _col("rationale", "VARCHAR", "Why this target was chosen.")

# --- scoring ------------------------------------------------------------------------------------
TARGET = _col(
    "target", "DOUBLE", "The target the value is scored against, in the data point's unit.",
    "Mål", "Target", "Målet verdien måles mot, i datapunktets enhet.",
)
LOWER_BOUND = _col(
    "lower_bound", "DOUBLE", "The worst value of the goalposts score (0 points on the 0-100 "
    "scale).",
    "Nedre grense", "Lower bound", "Den dårligste verdien i målestolpe-skalaen (0 av 100).",
)
HAS_TARGET = _col(
    "has_target", "BOOLEAN", "The data point has a target, so a reported value can be scored.",
    "Har mål", "Has target", "Datapunktet har et mål, så en rapportert verdi kan scores.",
    values="boolean",
)
SCORED = _col(
    "scored", "BOOLEAN", "The value was scored (reported, with a direction and a target).",
    "Scoret", "Scored", "Verdien er scoret (rapportert, med retning og mål).", values="boolean",
)
NOT_SCORED_REASON = _col(
    "not_scored_reason", "VARCHAR", "Why a value was not scored.",
    "Ikke scoret fordi", "Not scored because", "Hvorfor verdien ikke er scoret.",
    values="not_scored_reason",
)
UNDER_REVIEW = _col(
    "under_review", "BOOLEAN",
    "The value is under review: it fails a WARN plausibility rule (expectations/plausibility.json) "
    "or a source flagged it when it was loaded. It is still scored, but left out of the peer "
    "comparison's median, ranks and positions unless the comparison is told to include it.",
    "Til kontroll", "Under review",
    "Verdien er til kontroll: den bryter en rimelighetskontroll eller ble flagget da den ble lest "
    "inn. Den scores likevel, men holdes utenfor medianen, rangeringen og plasseringen i "
    "sammenligningen med nettverket.",
    values="boolean",
)
REVIEW_REASON = _col(
    "review_reason", "VARCHAR",
    "Why the value is under review: each rule it fails (what is wrong, in Norwegian and English, "
    "the figures, the rule's name) and each flag in its note, joined with ' | '. Empty when it "
    "is not under review.",
    "Årsak til kontroll", "Review reason",
    "Hvorfor verdien er til kontroll: hver kontroll den bryter (hva som er galt, tallene og "
    "kontrollens navn) og hvert flagg fra innlesingen, skilt med ' | '. Tom når verdien ikke er "
    "til kontroll.",
)
PERCENT_OF_TARGET = _col(
    "percent_of_target", "DOUBLE",
    "How far the value has come towards its target, in percent, capped at 100: what the band is "
    "read from (formula in percent_formula).",
    "Prosent av mål", "% of target",
    "Hvor langt verdien har kommet mot målet, i prosent, med tak på 100; båndet leses av denne "
    "(formelen står i egen kolonne).",
    unit="percent",
)
PERCENT_OF_TARGET_UNCAPPED = _col(
    "percent_of_target_uncapped", "DOUBLE",
    "The ratio before the cap at 100 (over 100 = beyond the target); ratio method only.",
    "Prosent av mål (uten tak)", "% of target (uncapped)",
    "Forholdstallet før taket på 100 (over 100 = forbi målet); bare for forholdsmetoden.",
    unit="percent",
)
TARGET_METHOD = _col(
    "target_method", "VARCHAR",
    "How a value is scored against the target: ratio (value ÷ target), goalposts (between a "
    "stated worse bound and the target, for natural targets of 0) or parity (distance from the "
    "target in either direction).",
    "Metode", "Method",
    "Hvordan verdien måles mot målet: forhold (verdi ÷ mål), målestolper (mellom en oppgitt "
    "dårligste verdi og målet, når målet er 0) eller likhet (avstand fra målet i begge retninger).",
    values="target_method",
)
TARGET_KIND = _col(
    "target_kind", "VARCHAR",
    "Where the target comes from: U4SSC, SDG/UN, EU/EEA, WHO, Norwegian national, or the top "
    "performers rule (mean of the five best in a stated peer set and year).",
    "Måltype", "Target kind",
    "Hvor målet kommer fra: U4SSC, FN/bærekraftsmål, EU/EØS, WHO, nasjonalt mål, eller de beste "
    "(snittet av de fem beste i en oppgitt gruppe og et oppgitt år).", values="target_kind",
)
TARGET_CERTAINTY = _col(
    "target_certainty", "VARCHAR",
    "How sure the target's number is: read in the source, recalled (check it), computed, or "
    "computed from example data.",
    "Målets sikkerhet", "Target certainty",
    "Hvor sikkert tallet i målet er: lest i kilden, gjengitt etter hukommelsen (sjekk), beregnet, "
    "eller beregnet fra eksempeldata.", values="target_certainty",
)
PEER_SET = _col(
    "peer_set", "VARCHAR", "The peer set: which municipalities are compared with which "
    "(assets/peer_sets.csv): the network, a county, all of Norway, a list.",
    "Sammenligningsgruppe", "Peer set",
    "Hvilke kommuner som sammenlignes: nettverket, et fylke, hele landet eller en egen liste.",
    values="peer_set",
)
PEER_YEAR = _col("peer_year", "INTEGER", "For a top-performers target: the year it was computed "
                 "for.")
PERCENT_FORMULA = _col(
    "percent_formula", "VARCHAR", "The formula that gave percent_of_target for this direction.",
    "Formel", "Formula", "Formelen som ga prosent av mål for denne retningen.",
    values="percent_formula",
)
POINTS = _col(
    "points", "INTEGER", "U4SSC points: 1 (under 33 % of target), 2 (33-66 %), 3 (66-95 %), "
    "4 (95 % and over); summed in roll-ups.",
    "Poeng", "Points", "U4SSC-poeng: 1 (under 33 % av mål), 2 (33–66 %), 3 (66–95 %), 4 (95 % og "
    "over); summert i sammenstillinger.",
    unit="points",
)
BAND_LABEL = _col(
    "band_label", "VARCHAR", "The U4SSC band the score falls in ('66–95 %').",
    "Bånd", "Band", "U4SSC-båndet scoren havner i (f.eks. '66–95 %').", values="band",
)
GOALPOSTS_SCORE = _col(
    "goalposts_score", "DOUBLE",
    "0-100 score between the lower bound (0) and the target (100), SDSN style.",
    "Målestolpe-score", "Goalposts score",
    "Score 0–100 mellom nedre grense (0) og målet (100), som i SDSNs bærekraftsrapport.",
    unit="score_0_100",
)
CATALOGUE_VERSION = _col(
    "catalogue_version", "VARCHAR", "Version of the KPI catalogue (assets/versions.yaml).",
    "Katalogversjon", "Catalogue version", "Versjon av KPI-katalogen.",
)
CATALOGUE_SHA256 = _col(
    "catalogue_sha256", "VARCHAR", "sha256 of the catalogue files used.",
    "Katalog-sha256", "Catalogue sha256", "Sjekksum (sha256) for katalogfilene som ble brukt.",
)
TARGETS_VERSION = _col(
    "targets_version", "VARCHAR", "Version of the target table (assets/versions.yaml).",
    "Målversjon", "Targets version", "Versjon av måltabellen.",
)
TARGETS_SHA256 = _col(
    "targets_sha256", "VARCHAR", "sha256 of assets/targets.csv as used.",
    "Mål-sha256", "Targets sha256", "Sjekksum (sha256) for måltabellen som ble brukt.",
)
METHOD_VERSION = _col(
    "method_version", "VARCHAR", "Version of the scoring method (asker_pipeline/scoring/method.py).",
    "Metodeversjon", "Method version", "Versjon av scoringsmetoden.",
)
LEVEL = _col(
    "level", "VARCHAR", "Roll-up level: dimension, sub_dimension, category or sdg.",
    "Nivå", "Level", "Nivå i sammenstillingen: dimensjon, underdimensjon, kategori eller "
    "bærekraftsmål.", values="level",
)
NODE_CODE = _col(
    "node_code", "VARCHAR", "Code of the dimension, sub-dimension, category node or SDG.",
    "Kode", "Code", "Koden til dimensjonen, underdimensjonen, kategorien eller bærekraftsmålet.",
)
NODE_NAME_EN = _col(
    "node_name_en", "VARCHAR", "Name of the node in English.",
    "Navn (engelsk)", "Name", "Navnet på engelsk.",
)
NODE_NAME_NB = _col(
    "node_name_nb", "VARCHAR", "Name of the node in Norwegian.",
    "Navn", "Name (Norwegian)", "Navnet på bokmål.",
)
N_SCORED = _col(
    "n_scored", "INTEGER", "Number of values scored.",
    "Antall scoret", "Scored", "Antall verdier som er scoret.",
)
MAX_POINTS = _col(
    "max_points", "INTEGER", "Highest possible points: 4 × the number of scored values.",
    "Maks poeng", "Max points", "Høyest mulige poeng: 4 × antall scorede verdier.",
    unit="points",
)
PERCENT = _col(
    "percent", "DOUBLE", "Points as a percentage of the maximum (points ÷ max_points × 100).",
    "Prosent", "Percent", "Poeng i prosent av maksimum (poeng ÷ maks poeng × 100).",
    unit="percent",
)
POINTS_BAND = _col(
    "points_band", "INTEGER", "The roll-up's percentage banded like a single value (1-4).",
    "Båndpoeng", "Band points", "Sammenstillingens prosent plassert i bånd som en enkeltverdi "
    "(1–4).",
)
RELEASE_ID = _col(
    "release_id", "VARCHAR", "Frozen baseline release: the baseline year and a hash of its values "
    "and versions.",
    "Utgave-id", "Release id", "Den frosne nullpunktsutgaven: basisåret og en sjekksum av verdier "
    "og versjoner.",
)
RELEASE_NUMBER = _col(
    "release_number", "INTEGER", "Releases numbered in the order they were first frozen.",
    "Utgavenummer", "Release number", "Utgavene nummerert i den rekkefølgen de ble frosset.",
)
BASELINE_YEAR = _col(
    "baseline_year", "INTEGER", "The baseline year of the zero point (nullpunktsmåling).",
    "Basisår", "Baseline year", "Basisåret for nullpunktsmålingen.",
)
N_DATA_POINTS = _col(
    "n_data_points", "INTEGER", "Number of data points.",
    "Antall datapunkter", "Data points", "Antall datapunkter.",
)
N_REPORTED = _col(
    "n_reported", "INTEGER", "Number of data points with a reported value.",
    "Antall rapportert", "Reported", "Antall datapunkter med rapportert verdi.",
)
N_NOT_REPORTED = _col(
    "n_not_reported", "INTEGER", "Number of data points without a reported value.",
    "Antall ikke rapportert", "Not reported", "Antall datapunkter uten rapportert verdi.",
)
N_FORMER_AREA = _col(
    "n_former_area", "INTEGER",
    "Number of reported values that describe a former area (e.g. Asker before the 2020 merger).",
    "Antall for tidligere område", "Former area",
    "Antall rapporterte verdier som gjelder et tidligere område (f.eks. Asker før "
    "sammenslåingen i 2020).",
)
BASELINE_AREA_CODE = _col(
    "baseline_area_code", "VARCHAR", "The area the baseline value describes (area_code).",
    "Område ved nullpunktet", "Baseline area", "Området basisverdien gjelder.",
)
LATEST_AREA_CODE = _col(
    "latest_area_code", "VARCHAR", "The area the latest value describes (area_code).",
    "Område siste år", "Latest area", "Området siste verdi gjelder.",
)
N_UNDER_REVIEW = _col(
    "n_under_review", "INTEGER",
    "Number of reported values under review (they fail a plausibility rule or carry a flag).",
    "Antall til kontroll", "Under review",
    "Antall rapporterte verdier som er til kontroll (bryter en rimelighetskontroll eller er "
    "flagget).",
)
N_EXAMPLE_TARGETS = _col(
    "n_example_targets", "INTEGER", "Scored values whose target was computed from example data.",
    "Antall med eksempelmål", "Example-data targets",
    "Scorede verdier der målet er beregnet fra eksempeldata.",
)
N_NO_TARGET = _col(
    "n_no_target", "INTEGER", "Number of reported data points without a target (not scored).",
    "Antall uten mål", "Without target", "Antall rapporterte datapunkter uten mål (ikke scoret).",
)
REFERENCE_YEAR = _col(
    "reference_year", "INTEGER", "The year the comparison is made for; a nearby year may stand in "
    "(see year_note).",
    "Referanseår", "Reference year", "Året sammenligningen gjelder; et nærliggende år kan brukes "
    "(se årsmerknad).",
)
IS_SUBJECT = _col(
    "is_subject", "BOOLEAN", "The municipality the baseline is for (Asker).",
    "Hovedkommune", "Subject", "Kommunen nullpunktsmålingen gjelder.", values="boolean",
)
YEAR_NOTE = _col(
    "year_note", "VARCHAR", "Says when the value's year differs from the reference year.",
    "Årsmerknad", "Year note", "Sier fra når verdiens år er et annet enn referanseåret.",
    values="year_note",
)
N_COMPARED = _col(
    "n_compared", "INTEGER", "Number of municipalities (or data points) compared.",
    "Antall sammenlignet", "Compared", "Antall kommuner (eller datapunkter) som er sammenlignet.",
)
RANK = _col(
    "rank", "INTEGER", "Direction-aware rank among the municipalities compared, 1 = best; ties "
    "share the best rank.",
    "Rangering", "Rank", "Plassering blant kommunene som sammenlignes, 1 = best; like verdier deler "
    "beste plass.",
)
RANK_MEDIAN = _col(
    "rank_median", "DOUBLE", "Median rank over 1 000 Monte Carlo draws of every value of the peer "
    "set around itself, with the uncertainty of its data-quality level (assets/RANK_INTERVALS.md).",
    "Rangering, median", "Median rank",
    "Midterste plassering når alle verdiene i gruppen trekkes 1 000 ganger innenfor sin "
    "usikkerhet (etter datakvalitetsnivå).",
)
RANK_LOW = _col(
    "rank_low", "INTEGER", "Best end of the 90 % rank interval: the 5th percentile of the ranks "
    "over the draws.",
    "Rangering, beste (90 %)", "Rank, best (90 %)",
    "Beste ende av 90 %-intervallet: i 95 av 100 trekninger var plasseringen denne eller dårligere.",
)
RANK_HIGH = _col(
    "rank_high", "INTEGER", "Worst end of the 90 % rank interval: the 95th percentile of the ranks "
    "over the draws.",
    "Rangering, dårligste (90 %)", "Rank, worst (90 %)",
    "Dårligste ende av 90 %-intervallet: i 95 av 100 trekninger var plasseringen denne eller bedre.",
)
P_BEST = _col(
    "p_best", "DOUBLE", "Probability of being best in the peer set: the share of the draws in which "
    "the municipality ranks first, 0-1.",
    "Sannsynlighet for å være best", "Probability of being best",
    "Andelen av trekningene der kommunen er best i gruppen, 0–1.",
)
RANK_INTERVAL = _col(
    "rank_interval", "VARCHAR", "The rank with its 90 % interval and the number compared, as the "
    "partner files show it: '2 (1–4) av 5'. Not stored: written from rank, rank_low, rank_high and "
    "n_compared.",
    "Rangering (90 %-intervall)", "Rank (90 % interval)",
    "Plassering med 90 %-intervall og antall sammenlignet: «2 (1–4) av 5» betyr plass 2 av 5; når "
    "verdiene trekkes innenfor sin usikkerhet, havner kommunen på plass 1 til 4 i 90 av 100 "
    "trekninger.",
)
PEER_MEDIAN = _col(
    "peer_median", "DOUBLE", "Median of the compared municipalities' values.",
    "Median i nettverket", "Peer median", "Medianen av verdiene til kommunene som sammenlignes.",
)
LEAD_OVER_PEER_MEDIAN = _col(
    "lead_over_peer_median", "DOUBLE",
    "How far the value is ahead of the peer median, in the data point's unit: positive = better "
    "than the median, whichever way is better.",
    "Forsprang på median (+ = bedre)", "Lead over median (+ = better)",
    "Hvor langt verdien ligger foran medianen, i datapunktets enhet: positivt = bedre enn "
    "medianen, uansett hvilken vei som er bedre.",
)
PERCENTILE_RANK = _col(
    "percentile_rank", "DOUBLE",
    "Share of the other municipalities compared that this value beats, 0-100 (100 = best); reads "
    "the same whatever the number compared.",
    "Persentil", "Percentile rank",
    "Andelen av de andre kommunene verdien slår, 0–100 (100 = best); leses likt uansett hvor "
    "mange som sammenlignes.",
)
POSITION = _col(
    "position", "DOUBLE", "0-100 position between the worst (0) and the best (100) value compared.",
    "Posisjon", "Position", "Posisjon 0–100 mellom dårligste (0) og beste (100) verdi.",
)
STANDING = _col(
    "standing", "VARCHAR", "leads, level with or lags the peer median.",
    "Stilling", "Standing", "Foran, likt med eller bak medianen i nettverket.", values="standing",
)
N_LEADS = _col(
    "n_leads", "INTEGER", "Data points where the municipality is better than the peer median.",
    "Antall foran", "Leads", "Datapunkter der kommunen er bedre enn medianen.",
)
N_LAGS = _col(
    "n_lags", "INTEGER", "Data points where the municipality is worse than the peer median.",
    "Antall bak", "Lags", "Datapunkter der kommunen er dårligere enn medianen.",
)
N_LEVEL = _col(
    "n_level", "INTEGER", "Data points where the municipality equals the peer median.",
    "Antall likt", "Level", "Datapunkter der kommunen er lik medianen.",
)
MEAN_PERCENTILE_RANK = _col(
    "mean_percentile_rank", "DOUBLE", "Mean of the municipality's percentile ranks (0-100, 100 = "
    "best).",
    "Snittpersentil", "Mean percentile rank",
    "Gjennomsnitt av kommunens persentiler (0–100, 100 = best).",
)
MEAN_POSITION = _col(
    "mean_position", "DOUBLE", "Mean of the municipality's 0-100 positions.",
    "Snittposisjon", "Mean position", "Gjennomsnitt av kommunens posisjoner (0–100).",
)
BASELINE_YEAR_USED = _col(
    "baseline_year_used", "INTEGER", "The year of the baseline value (the baseline year or the "
    "nearest within the allowed distance).",
    "Basisår brukt", "Baseline year used", "Året basisverdien gjelder.",
)
BASELINE_VALUE = _col(
    "baseline_value", "DOUBLE", "The value at the baseline.",
    "Basisverdi", "Baseline value", "Verdien ved nullpunktet.",
)
BASELINE_POINTS = _col(
    "baseline_points", "INTEGER", "Points at the baseline.",
    "Basispoeng", "Baseline points", "Poeng ved nullpunktet.", unit="points",
)
LATEST_YEAR = _col(
    "latest_year", "INTEGER", "The latest later year with a reported value.",
    "Siste år", "Latest year", "Siste senere år med rapportert verdi.",
)
LATEST_VALUE = _col(
    "latest_value", "DOUBLE", "The value in the latest year.",
    "Siste verdi", "Latest value", "Verdien i siste år.",
)
LATEST_PERCENT_OF_TARGET = _col(
    "latest_percent_of_target", "DOUBLE", "The latest value's % of the baseline release's target.",
    "Siste prosent av mål", "Latest % of target", "Siste verdis prosent av målet i nullpunktet.",
    unit="percent",
)
LATEST_POINTS = _col(
    "latest_points", "INTEGER", "Points of the latest value against the baseline release's target.",
    "Siste poeng", "Latest points", "Poeng for siste verdi mot målet i nullpunktet.",
    unit="points",
)
CHANGE_IN_VALUE = _col(
    "change_in_value", "DOUBLE", "latest_value minus baseline_value.",
    "Endring i verdi", "Change in value", "Siste verdi minus basisverdi.",
)
CHANGE_IN_POINTS = _col(
    "change_in_points", "INTEGER", "latest_points minus baseline_points.",
    "Endring i poeng", "Change in points", "Siste poeng minus basispoeng.", unit="points",
)
TREND = _col(
    "trend", "VARCHAR", "improved, unchanged or worsened, direction-aware; 'area changed' when the "
    "baseline and latest values describe different areas (no change is computed then).",
    "Utvikling", "Trend", "Bedre, uendret eller dårligere, ut fra retningen.", values="trend",
)

# --- data quality -------------------------------------------------------------------------------
TABLE_NAME = _col(
    "table_name", "VARCHAR", "The warehouse table the rule was checked on.",
    "Tabell", "Table", "Tabellen regelen ble sjekket på.",
)
RULE = _col(
    "rule", "VARCHAR", "The data-quality rule (expectations/*.json).",
    "Regel", "Rule", "Datakvalitetsregelen.", values="quality_rule",
)
SEVERITY = _col(
    "severity", "VARCHAR", "ERROR (blocking: scoring does not run) or WARN (review the figure).",
    "Alvorlighet", "Severity", "Feil (stopper scoring) eller advarsel (kontroller tallet).",
    values="severity",
)
OUTCOME = _col(
    "outcome", "VARCHAR", "pass, fail (an ERROR rule) or warn (a WARN rule).",
    "Resultat", "Outcome", "Bestått, feilet (feilregel) eller advarsel.", values="outcome",
)
FAILING_ROWS = _col(
    "failing_rows", "INTEGER", "Rows that break the rule.",
    "Rader som feiler", "Failing rows", "Antall rader som bryter regelen.",
)
FIRST_FAILURE = _col(
    "first_failure", "VARCHAR", "The first failing row, in a fixed order (year, KPI, data point).",
    "Første avvik", "First failure", "Første rad som bryter regelen (sortert på år, KPI, "
    "datapunkt).",
)
DESCRIPTION = _col(
    "description", "VARCHAR", "What the rule checks.",
    "Beskrivelse", "Description", "Hva regelen sjekker.",
)
