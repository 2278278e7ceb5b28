"""Chinese names for the demo district: people, townships, communities, villages and units."""

import random

SURNAMES = (
    "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾肖田董袁潘于蔣蔡余杜葉程蘇魏呂"
    "丁任沈姚盧姜崔鍾譚陸汪范金石廖賈夏韋付方白鄒孟熊秦邱江尹薛閆段雷侯龍史陶黎賀顧毛郝龔邵萬錢嚴覃武戴莫孔向湯"
)
GIVEN = "建國華明麗英敏強軍平杰娟霞紅濤芳玉蘭秀鳳志勇磊偉剛輝桂珍文斌海燕雲峰春梅林德成立新東慧琴亮"
TOWNSHIPS = ("桐溪", "富春", "瑤琳", "分水", "鳳川", "橫村", "江南", "百江", "合村", "鐘山", "新合", "莪山", "城南", "舊縣")
PLACES = (
    "東興",
    "西湖",
    "南塘",
    "北山",
    "青石",
    "白沙",
    "紅旗",
    "金橋",
    "銀杏",
    "長樂",
    "永安",
    "和平",
    "團結",
    "幸福",
    "光明",
    "新華",
    "勝利",
    "前進",
    "龍泉",
    "鳳凰",
    "楓林",
    "竹園",
    "梅嶺",
    "桃源",
    "柳岸",
)
UNIT_KINDS = ("有限公司", "小學", "衛生院", "供銷社", "農業合作社", "幼兒園", "超市", "物業公司", "養老院", "信用社")


def person(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def township(index: int) -> str:
    base = TOWNSHIPS[index % len(TOWNSHIPS)]
    return f"{base}鎮" if index < len(TOWNSHIPS) else f"{base}{index // len(TOWNSHIPS) + 1}鎮"


def community(index: int, setting: str) -> str:
    base = PLACES[index % len(PLACES)]
    suffix = "" if index < len(PLACES) else str(index // len(PLACES) + 1)
    return f"{base}{suffix}社區" if setting == "rural" else f"{base}{suffix}城市社區"


def village(rng: random.Random) -> str:
    return rng.choice(PLACES) + "村"


def unit(rng: random.Random, index: int) -> str:
    return f"{rng.choice(PLACES)}{rng.choice(UNIT_KINDS)}{index + 1}"
