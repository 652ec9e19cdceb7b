"""What the demo's two sample groups hold: a running club in Chinese and a book club in
English, each with every widget. Only data here (the words people would type); the
seeding is in grouptools.demo."""

RUNNING_CLUB = {
    "group": {"name": "周末跑步群", "timezone": "Asia/Shanghai",
              "description": "北京朝阳的跑友群：周六早上奥森约跑，平时每天打卡。新朋友请先填名片。"},
    "owner": "王芳",
    "members": ["李雷", "韩梅梅", "张伟", "刘洋", "陈静", "赵磊", "孙丽", "周杰", "吴敏"],
    "poll": {
        "title": "五一团建去哪儿？",
        "description": "每人选一个，周五晚上统计结果。",
        "options": [("爬香山", "mountain"), ("北戴河看海", "seaside"),
                    ("吃火锅", "hotpot"), ("朝阳公园野餐", "park")],
        # Each voter's choice, by option position; the last two members have not voted.
        "votes": [0, 1, 0, 2, 0, 3, 1, 0],
    },
    "relay": {
        "title": "周六早上奥森 10 公里约跑",
        "description": "7:00 南门集合，限 6 人（领跑能带的人数），满了自动排队候补。",
        "capacity": 6,
        "fields": [
            {"key": "phone", "label": "手机号", "type": "phone", "required": True, "private": True},
            {"key": "pace", "label": "配速", "type": "choice", "required": True,
             "choices": ["5 分以内", "5–6 分", "6 分以上"]},
        ],
        "entries": [{"phone": f"1381234{n:04d}", "pace": pace} for n, pace in enumerate(
            ["5–6 分", "5 分以内", "6 分以上", "5–6 分", "5–6 分", "5 分以内", "6 分以上", "5–6 分"])],
    },
    "notice": {
        "title": "本周六约跑改到早上 6:30",
        "body": "天气预报说上午高温，周六约跑提前到 6:30 出发，集合地点不变（奥森南门）。\n"
                "请大家点“确认收到”，方便我统计人数。",
        "confirmed": 5,  # the first five members confirm, the next two only opened it
        "viewed": 2,
    },
    "habit": {
        "title": "每天跑步 3 公里",
        "description": "跑完打卡，写一句今天的感受。坚持 7 天、21 天、30 天各有一张奖状。",
        "texts": ["跑完了，今天状态不错", "小雨，在跑步机上跑的", "配速进步了！", "早起跑步真舒服",
                  "有点累，但是坚持下来了", "和同事一起跑的", "公园里的桂花开了"],
    },
    "cards": {
        "title": "跑友名片",
        "description": "认识一下彼此：名片格式“单位-姓名”，手机号只有群主能看到。",
        "fields": [{"key": "name", "required": True}, {"key": "phone", "private": True},
                   {"key": "company"}, {"key": "city"}, {"key": "intro"}],
        "display_name_format": "{company}-{name}",
        "values": [
            {"company": "朝阳中学", "city": "北京", "intro": "跑龄五年，全马 3 小时 50 分"},
            {"company": "星河科技", "city": "北京", "intro": "刚开始跑步，请多指教"},
            {"company": "人民医院", "city": "北京", "intro": "周末常去奥森"},
            {"company": "自由职业", "city": "天津", "intro": "越野跑爱好者"},
            {"company": "建设银行", "city": "北京", "intro": "目标：今年跑完半马"},
            {"company": "北京大学", "city": "北京", "intro": "研究生，晚上跑"},
            {"company": "小米", "city": "北京", "intro": "喜欢跑间歇"},
            {"company": "设计工作室", "city": "廊坊", "intro": "带娃跑步的妈妈"},
        ],
    },
    "event": {"title": "周日读书会 · 跑后早餐签到"},
}

BOOK_CLUB = {
    "group": {"name": "Riverside Book Club", "timezone": "Europe/London",
              "description": "We read one book a month and meet on the last Sunday at the "
                             "library café. New members: fill in your card first."},
    "owner": "Alice Chen",
    "members": ["Ben Carter", "Chloe Davis", "Daniel Kim", "Emma Lopez", "Farah Khan",
                "George Miller", "Hannah Wright"],
    "poll": {
        "title": "Where shall we hold the summer meeting?",
        "description": "One choice each; we book the place on Friday.",
        "options": [("A walk in the hills", "mountain"), ("A day at the seaside", "seaside"),
                    ("Dinner out", "hotpot"), ("A picnic in the park", "park")],
        "votes": [3, 1, 3, 0, 3, 1],
    },
    "relay": {
        "title": "Author talk: seats at our table",
        "description": "The library gave us five seats; when they are gone you join the waitlist.",
        "capacity": 5,
        "fields": [
            {"key": "email", "label": "E-mail", "type": "email", "required": True, "private": True},
            {"key": "diet", "label": "Dietary needs", "type": "text"},
        ],
        "entries": [{"email": f"reader{n}@example.org", "diet": diet} for n, diet in enumerate(
            ["", "vegetarian", "", "no nuts", "", "vegan", ""])],
    },
    "notice": {
        "title": "March book: “The Remains of the Day”",
        "body": "Our March book is Kazuo Ishiguro's The Remains of the Day. The library holds "
                "six copies for us at the front desk.\nPlease confirm you have seen this.",
        "confirmed": 4,
        "viewed": 2,
    },
    "habit": {
        "title": "Read 20 pages a day",
        "description": "Check in when you have read today's pages. Certificates at 7, 21 and 30 days.",
        "texts": ["Finished chapter 3", "Read on the train", "A slow evening with tea",
                  "Couldn't put it down", "Only just made it", "Read in the park"],
    },
    "cards": {
        "title": "Who's who",
        "description": "A line about what you like to read; e-mails are for the organisers only.",
        "fields": [{"key": "name", "required": True}, {"key": "email", "private": True},
                   {"key": "city"}, {"key": "intro"}],
        "display_name_format": "",
        "values": [
            {"city": "London", "intro": "Crime novels and long walks"},
            {"city": "London", "intro": "I read mostly poetry"},
            {"city": "Richmond", "intro": "Science fiction, the older the better"},
            {"city": "London", "intro": "New here, love historical fiction"},
            {"city": "Kingston", "intro": "Audiobooks on my commute"},
            {"city": "London", "intro": "Book binder by trade"},
        ],
    },
    "event": {"title": "Sunday meeting at the library café"},
}

STORIES = (RUNNING_CLUB, BOOK_CLUB)
