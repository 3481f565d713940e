"""Q1–Q5 for Polars, written once (the bench imports this file).

Loading: pl.read_csv with its type inference, and the two timestamp columns converted with
their exact format (str.to_datetime). Polars can also guess timestamps while reading
(try_parse_dates=True, or schema_overrides={"login_at": pl.Datetime}); given the format it
parses them in about a quarter of the CPU time (bench/README.md). The 是/否 columns stay text in
Polars, as in DuckDB, so the queries compare with "是". Each query is a lazy plan collected at
the end, so Polars can optimise it; it returns a DataFrame.
"""

import polars as pl

YES = "是"
BANDS = ["≥90", "80–90", "70–80", "60–70", "<60"]


TIMESTAMP = "%Y-%m-%d %H:%M:%S"  # how the exports write enrolled_at and login_at


def load(folder):
    return {
        "teachers": pl.read_csv(f"{folder}/teachers.csv"),
        "enrollments": pl.read_csv(f"{folder}/enrollments.csv").with_columns(
            pl.col("enrolled_at").str.to_datetime(TIMESTAMP)),
        "logins": pl.read_csv(f"{folder}/logins.csv").with_columns(
            pl.col("login_at").str.to_datetime(TIMESTAMP)),
    }


def q1(t):
    """Enrollments per project, participated count, participation rate."""
    e = t["enrollments"].lazy()
    return (
        e.group_by("project")
        .agg(
            pl.len().alias("enrollments"),
            (pl.col("participated") == YES).sum().alias("participated"),
        )
        .with_columns((pl.col("participated") / pl.col("enrollments") * 100).alias("rate"))
        .sort("project")
        .collect()
    )


def q2(t):
    """Pass rate per course over participated enrollments, banded at 90, 80, 70, 60."""
    e = t["enrollments"].lazy()
    rate = pl.col("passrate")
    per_course = (
        e.filter(pl.col("participated") == YES)
        .group_by("course_id")
        .agg(
            ((pl.col("passed") == YES).sum() / (pl.col("participated") == YES).sum() * 100).alias("passrate")
        )
    )
    banded = per_course.select(
        pl.when(rate >= 90).then(pl.lit(BANDS[0]))
        .when(rate >= 80).then(pl.lit(BANDS[1]))
        .when(rate >= 70).then(pl.lit(BANDS[2]))
        .when(rate >= 60).then(pl.lit(BANDS[3]))
        .otherwise(pl.lit(BANDS[4]))
        .alias("band")
    )
    counts = banded.group_by("band").agg(pl.len().alias("courses"))
    bands = pl.LazyFrame({"band": BANDS, "ord": list(range(len(BANDS)))})
    return (
        bands.join(counts, on="band", how="left")
        .with_columns(pl.col("courses").fill_null(0))
        .with_columns((pl.col("courses") / pl.col("courses").sum() * 100).alias("share"))
        .sort("ord")
        .select("band", "courses", "share")
        .collect()
    )


def q3(t):
    """In-service teachers per district, how many have a paid enrollment, and the rate."""
    paid_ids = t["enrollments"].lazy().filter(pl.col("paid") == YES).select("teacher_id").unique()
    return (
        t["teachers"].lazy()
        .filter(pl.col("in_service") == YES)
        .join(paid_ids.with_columns(pl.lit(1).alias("took_part")), on="teacher_id", how="left")
        .group_by("district")
        .agg(pl.len().alias("in_service"), pl.col("took_part").count().alias("participants"))
        .with_columns((pl.col("participants") / pl.col("in_service") * 100).alias("rate"))
        .sort(["rate", "district"], descending=[True, False])
        .collect()
    )


def q4(t):
    """Logins per ISO week and client (dt.week() is the ISO week)."""
    return (
        t["logins"].lazy()
        .group_by(pl.col("login_at").dt.week().alias("iso_week"), "client")
        .agg(pl.len().alias("logins"))
        .sort(["iso_week", "client"])
        .collect()
    )


def q5(t):
    """Top 10 teachers by logins, with name and school; ties by teacher_id ascending."""
    return (
        t["logins"].lazy()
        .group_by("teacher_id")
        .agg(pl.len().alias("logins"))
        .sort(["logins", "teacher_id"], descending=[True, False])
        .head(10)
        .join(t["teachers"].lazy().select("teacher_id", "name", "school"), on="teacher_id", how="left")
        .select("teacher_id", "name", "school", "logins")
        .sort(["logins", "teacher_id"], descending=[True, False])
        .collect()
    )


QUERIES = [q1, q2, q3, q4, q5]
