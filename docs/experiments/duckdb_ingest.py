"""A measurement for docs/performance.md: how fast could the dossier ingest be
if written in DuckDB SQL instead of polars + pandera? The core of it on one month's CSV — read
as text, trim, NFC, parse 5 datetimes and 6 numbers, flags, the ID number's keyed hash (two
nested sha256), 7 row rules joined into a reason, Parquet — without exact duplicates, key
conflicts, the unit-in-force check, totals rows or the quarantine's masked copy.

    .venv/bin/python docs/experiments/duckdb_ingest.py MONTH.csv [--no-row-numbers] [--no-nfc]

Not part of the pipeline; kept so the figure can be measured again.
"""

import sys
import tempfile
import time
from pathlib import Path

import duckdb

DATE = "'%d/%m/%Y %H:%M:%S'"


def _sql(path: str, target: str, row_numbers: bool, nfc: bool) -> str:
    def text(column: str) -> str:
        return f'nfc_normalize(trim("{column}"))' if nfc else f'trim("{column}")'

    def moment(column: str) -> str:
        return f"try_strptime(nullif(trim(\"{column}\"), ''), {DATE})"

    numbered = "row_number() over () as row_number, " if row_numbers else ""
    return f"""
    copy (
    with raw as (select {numbered}* from read_csv('{path}', all_varchar = true, header = true)),
    typed as (
    select {"row_number," if row_numbers else ""}
      {text("Mã hồ sơ")} as dossier_code,
      regexp_replace(trim("Mã TTHC"), '\\.H36$', '') as procedure_code,
      {text("Tên TTHC")} as procedure_name,
      trim("Mã cơ quan") as agency_code,
      trim("Mã ĐVHC") as admin_unit_code,
      {text("Cấp thực hiện")} as level,
      try_cast(trim("Kênh nộp") as tinyint) as channel,
      {moment("Ngày nộp")} as submitted_at, {moment("Ngày tiếp nhận")} as received_at,
      {moment("Ngày hẹn trả")} as due_at, {moment("Ngày kết thúc xử lý")} as finished_at,
      {moment("Ngày trả kết quả")} as returned_at,
      try_cast(trim("Trạng thái") as tinyint) as status_code,
      try_cast(trim("Số lần bổ sung") as bigint) as supplement_count,
      try_cast(trim("Số ngày chờ bổ sung") as double) as supplement_wait_days,
      {text("Thành phần số hóa")} = 'Có' as inputs_digitized,
      {text("Kết quả điện tử")} = 'Có' as e_result,
      try_cast(trim("Thanh toán trực tuyến") as tinyint) as online_payment,
      nullif({text("Đánh giá")}, '') as rating,
      sha256('outer key' || sha256('inner key' || trim("Số CCCD"))) as applicant_key,
      "Ngày nộp" as submitted_text, "Ngày tiếp nhận" as received_text
    from raw)
    select * exclude (submitted_text, received_text),
      concat_ws('; ',
        case when received_at is null and received_text <> '' then 'received: not a date' end,
        case when submitted_at is null and submitted_text <> '' then 'submitted: not a date' end,
        case when status_code is null or status_code not between 1 and 10 then 'status' end,
        case when channel is null or channel not in (1, 2, 3) then 'channel' end,
        case when level not in ('Tỉnh', 'Huyện', 'Xã') then 'level' end,
        case when received_at < submitted_at then 'received before submitted' end,
        case when strftime(received_at, '%Y-%m') <> '2024-05' then 'outside the period' end
      ) as reason
    from typed
    ) to '{target}' (format parquet, compression lz4)
    """


def main() -> None:
    path, flags = sys.argv[1], set(sys.argv[2:])
    with tempfile.TemporaryDirectory() as folder:
        target = str(Path(folder) / "month.parquet")
        sql = _sql(path, target, "--no-row-numbers" not in flags, "--no-nfc" not in flags)
        con = duckdb.connect()
        for attempt in (1, 2):
            started = time.perf_counter()
            con.execute(sql)
            print(f"run {attempt}: {time.perf_counter() - started:.2f} s")
        print(con.sql(f"select count(*) from '{target}'").fetchall()[0][0], "rows")


if __name__ == "__main__":
    main()
