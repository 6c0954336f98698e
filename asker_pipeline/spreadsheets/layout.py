"""The data-collection workbook's layout, shared by the template writer and the reader.

Columns are found by their header text, in Norwegian or English, so a reporter may reorder them;
the template writes both languages (``"Verdi / Value"``)."""

from __future__ import annotations

from dataclasses import dataclass

TEMPLATE_VERSION = "2"  # 2: Norwegian data-point label column, NR/../:/. valid, print setup
KPI_SHEET = "KPI"
INSTRUCTIONS_SHEET = "Veiledning - Instructions"
METADATA_SHEET = "Metadata"
LISTS_SHEET = "Lister"
TITLE_ROW, HEADER_ROW = 1, 3  # the first KPI row is HEADER_ROW + 1
HEADER_SEARCH_ROWS = 15  # how far down the reader looks for the header row


@dataclass(frozen=True)
class Column:
    key: str
    label_nb: str
    label_en: str
    width: int
    editable: bool = False
    synonyms: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        return f"{self.label_nb} / {self.label_en}"

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(s.lower() for s in (self.label_nb, self.label_en, *self.synonyms))


COLUMNS: tuple[Column, ...] = (
    Column("kpi_code", "KPI-kode", "KPI code", 18, synonyms=("kode", "code", "kpi")),
    Column("data_point", "Datapunkt", "Data point", 12, synonyms=("datapunkt-id",)),
    # the data point's Norwegian label (assets/value_labels.csv) beside its code; not read back
    Column("data_point_nb", "Datapunkt (norsk)", "Data point (Norwegian)", 18),
    Column("name_nb", "Navn (norsk)", "Name (Norwegian)", 42, synonyms=("navn",)),
    Column("name_en", "Navn (engelsk)", "Name (English)", 42, synonyms=("name",)),
    Column("unit", "Enhet", "Unit", 26),
    Column("direction", "Retning", "Direction", 11),
    Column("numerator", "Teller", "Numerator", 14, editable=True),
    Column("denominator", "Nevner", "Denominator", 14, editable=True),
    Column("value", "Verdi", "Value", 14, editable=True, synonyms=("resultat", "result")),
    Column("data_quality", "Datakvalitet", "Data quality", 34, editable=True),
    Column("source", "Kilde", "Source", 40, editable=True, synonyms=("datakilde",)),
    Column("comment", "Kommentar", "Comment", 40, editable=True, synonyms=("merknad", "note")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = ("kpi_code", "value")


def column_for_header(labels: tuple[str, ...]) -> str | None:
    """The column key a header cell names (any of its labels), or None."""
    for column in COLUMNS:
        if any(label in column.labels for label in labels):
            return column.key
    return None


def both(nb: str, en: str) -> str:
    """A text for the people filling in workbooks, in Norwegian and English, as the workbook
    shows its labels ("nb / en"); used for every reason a row or a file is rejected."""
    return f"{nb} / {en}"


@dataclass(frozen=True)
class Labelled:
    """A key with its Norwegian and English label, shown in the workbook as "nb / en"."""

    key: str
    label_nb: str
    label_en: str

    @property
    def label(self) -> str:
        return f"{self.label_nb} / {self.label_en}"


#: The six U4SSC data-quality levels (Verification Manual 2022, section 10.1).
DATA_QUALITY: tuple[Labelled, ...] = (
    Labelled("accurate_measurement", "Nøyaktige målinger", "Based on accurate measurements"),
    Labelled(
        "survey_extrapolation",
        "Fremskrevet fra innbyggerundersøkelse",
        "Extrapolated from a survey of inhabitants",
    ),
    Labelled(
        "higher_level_extrapolation",
        "Fremskrevet fra data på høyere nivå",
        "Extrapolated from higher-level data",
    ),
    Labelled(
        "assumption_estimate",
        "Anslag basert på visse forutsetninger",
        "Estimation based on certain assumptions",
    ),
    Labelled("personal_estimate", "Personlig anslag", "Personal estimation"),
    Labelled(
        "unknown_methodology", "Ukjent metode, ikke sporbar", "Unknown methodology, not traceable"
    ),
)


def quality_key(text: object) -> str | None:
    """Dropdown text (either language, both, or the key) -> quality key; None when unrecognised."""
    if text is None:
        return None
    wanted = " ".join(str(text).split()).lower()
    for quality in DATA_QUALITY:
        if wanted in {
            quality.key,
            quality.label.lower(),
            quality.label_nb.lower(),
            quality.label_en.lower(),
        }:
            return quality.key
    return None


#: Rows of the metadata sheet: label in column A, value in column B.
METADATA: tuple[Labelled, ...] = (
    Labelled("municipality_code", "Kommunenummer", "Municipality code"),
    Labelled("municipality_name", "Kommune", "Municipality"),
    Labelled("year", "Rapporteringsår", "Reporting year"),
    Labelled("template_version", "Malversjon", "Template version"),
    Labelled("example", "Eksempeldata", "Example data"),
)


def metadata_key(label: object) -> str | None:
    labels = {s.strip().lower() for s in str(label or "").split("/")}
    for field in METADATA:
        if {field.key, field.label_nb.lower(), field.label_en.lower()} & labels:
            return field.key
    return None
