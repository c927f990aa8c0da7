"""Bilingual problem reports.

Malformed input must never surface as a traceback: every failure the engine
can foresee becomes a ``Problem`` with a stable ``code`` plus Chinese and
English text, so the CKAN UI and the CLI can show it as is.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MESSAGES = {
    "empty_file": ("文件为空。", "The file is empty."),
    "no_header": ("文件缺少表头行。", "The file has no header row."),
    "bad_encoding": ("无法识别文件编码：仅支持 UTF-8（可带 BOM）、GBK 与 GB18030。{detail}",
                     "Unrecognised encoding: only UTF-8 (with or without BOM), GBK and "
                     "GB18030 are accepted. {detail}"),
    "ragged_rows": ("CSV 行的字段数与表头不一致。{detail}",
                    "A CSV row has a different number of fields than the header. {detail}"),
    "malformed_csv": ("CSV 结构错误，无法解析。{detail}",
                      "The CSV structure is malformed and cannot be parsed. {detail}"),
    "line_too_long": ("存在超长行（超过 {limit} 字节），疑似文件损坏。",
                      "A line is longer than {limit} bytes; the file looks corrupt."),
    "unsupported_format": ("不支持的文件格式：{detail}", "Unsupported file format: {detail}"),
    "bad_json": ("JSON 文件无法解析或不是记录数组。{detail}",
                 "The JSON file cannot be parsed or is not an array of records. {detail}"),
    "bad_spreadsheet": ("电子表格无法读取。{detail}", "The spreadsheet cannot be read. {detail}"),
    "numeric_ids": ("列“{column}”中的证件号被存储为数字，可能已丢失位数。",
                    "IDs in column '{column}' are stored as numbers and may have lost digits."),
    "duplicate_header": ("表头存在重复列名：{detail}", "Duplicate column names in the header: {detail}"),
    "unknown_column": ("脱敏方案引用了文件中不存在的列：{detail}",
                       "The plan names columns that are not in the file: {detail}"),
    "unknown_operator": ("未知的脱敏操作：{detail}", "Unknown desensitization operator: {detail}"),
    "bad_plan": ("脱敏方案格式错误：{detail}", "The desensitization plan is invalid: {detail}"),
    "missing_key": ("未提供假名化密钥。", "No pseudonymisation key was supplied."),
    "same_path": ("输出路径不能与原始文件相同。", "The output path must differ from the original file."),
    "io_error": ("读写文件失败：{detail}", "Reading or writing a file failed: {detail}"),
    "leftover_identifier": ("输出中仍含直接标识符：列“{column}”类型 {type} 共 {count} 处。",
                            "Direct identifiers remain in the output: column '{column}', "
                            "type {type}, {count} occurrence(s)."),
    "k_below_threshold": ("k 匿名检查未通过：最小等价类 {k_min} 小于阈值 {k}。",
                          "k-anonymity check failed: smallest class {k_min} is below {k}."),
    "suppression_limit": (
        "为达到 k={k} 匿名需删除 {rows} 行（共 {total} 行，占 {share}），超过方案允许的 {limit}，"
        "未生成脱敏文件。请进一步泛化准标识符（例如地址只保留到区县、年龄改为年龄段、日期只保留"
        "年份）后重新运行。",
        "Reaching k={k} would suppress {rows} of {total} rows ({share}), more than the {limit} "
        "the plan allows, so no derivative was written. Generalise the quasi-identifiers further "
        "(e.g. address to county, age to bands, dates to years) and run again."),
    "memory_limit": (
        "任务内存用量 {used} MB 超过上限 {limit} MB，已中止：未生成输出，原始文件未改动。"
        "请提高内存上限或联系管理员。",
        "The job used {used} MB, more than its memory limit of {limit} MB, and was stopped: "
        "no output was written and the original is untouched. Raise the limit or contact "
        "the administrator."),
    "bad_config": ("脱敏配置无效：{detail}", "Invalid desensitization setting: {detail}"),
}


@dataclass
class Problem:
    code: str
    zh: str
    en: str
    severity: str = "error"
    context: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = {"code": self.code, "zh": self.zh, "en": self.en, "severity": self.severity}
        if self.context:
            d["context"] = self.context
        return d


def problem(code: str, severity: str = "error", **ctx) -> Problem:
    zh, en = MESSAGES[code]
    fmt = {"detail": "", **{k: v for k, v in ctx.items()}}
    return Problem(code, zh.format(**fmt).strip(), en.format(**fmt).strip(),
                   severity, {k: v for k, v in ctx.items() if k != "detail"} |
                   ({"detail": ctx["detail"]} if ctx.get("detail") else {}))


class DesensitizeError(Exception):
    """Raised for foreseeable input problems; carries a bilingual Problem."""

    def __init__(self, prob: Problem):
        super().__init__(f"{prob.code}: {prob.en}")
        self.problem = prob

    @classmethod
    def of(cls, code: str, **ctx) -> "DesensitizeError":
        return cls(problem(code, **ctx))
