"""The demo programmes' titles, descriptions, what to bring and eligibility in every language
(demo.translations writes them); やさしい日本語 with ふりがな as ``{漢字|かんじ}``."""

from __future__ import annotations

# slug -> language -> (title, description, what to bring, eligibility)
PROGRAMS: dict[str, dict[str, tuple[str, str, str, str]]] = {
    "smile-papa": {
        "en": (
            "",
            "Childcare skills, where to ask for help, local services and tips for balancing "
            "work and family. A place for fathers to meet.",
            "Something to write with",
            "",
        ),
        "zh-hans": (
            "松阪微笑爸爸讲座",
            "介绍育儿技巧、咨询窗口和地区资源的利用方法，以及兼顾工作与家庭的小窍门。是爸爸们交流的地方。",
            "笔记用具",
            "",
        ),
        "ko": (
            "마쓰사카 스마일 파파 강좌",
            "육아 기술, 상담 창구, 지역 자원 활용법, 일과 가정의 양립 요령을 소개합니다. "
            "아빠들끼리 교류하는 자리입니다.",
            "필기도구",
            "",
        ),
        "pt-br": (
            "Curso Papai Sorriso de Matsusaka",
            "Dicas de cuidados com o bebê, onde pedir ajuda, serviços da região e como "
            "conciliar trabalho e família. Um encontro entre pais.",
            "Material para anotações",
            "",
        ),
        "vi": (
            "Lớp học Ông bố Nụ cười Matsusaka",
            "Giới thiệu kỹ năng chăm con, nơi tư vấn, dịch vụ trong khu vực và mẹo cân bằng "
            "công việc với gia đình. Nơi các ông bố gặp gỡ nhau.",
            "Dụng cụ ghi chép",
            "",
        ),
        "ja-easy": (
            "パパの {子育|こそだ}て {教室|きょうしつ}",
            "{子育|こそだ}ての しかたを {学|まな}びます。{困|こま}ったときに {相談|そうだん}"
            "できる ところを {教|おし}えます。パパどうしで {話|はな}します。",
            "ペンと ノート",
            "",
        ),
    },
    "maternity-meetup": {
        "en": (
            "",
            "Get to know the area's child-care services while pregnant, and meet other "
            "expectant mothers.",
            "Maternal and child health handbook",
            "For expectant mothers and their partners. Please give the expected due date.",
        ),
        "zh-hans": (
            "孕妇交流会",
            "在怀孕期间了解当地的育儿支援设施，与其他孕妇建立联系的交流会。",
            "母子健康手册",
            "对象为怀孕中的人及其伴侣。请填写预产期。",
        ),
        "ko": (
            "임산부 교류회",
            "임신 중에 지역의 육아 지원 시설을 알아보고 임산부끼리 교류하는 모임입니다.",
            "모자건강수첩",
            "임신 중인 분과 그 파트너가 대상입니다. 출산 예정일을 입력해 주세요.",
        ),
        "pt-br": (
            "Encontro de gestantes",
            "Conheça os serviços de apoio à criação de filhos da região durante a gravidez e "
            "faça amizade com outras gestantes.",
            "Caderneta de saúde da mãe e da criança",
            "Para gestantes e seus parceiros. Informe a data prevista do parto.",
        ),
        "vi": (
            "Buổi giao lưu bà bầu",
            "Tìm hiểu các cơ sở hỗ trợ nuôi dạy trẻ trong khu vực khi đang mang thai và làm "
            "quen với các bà bầu khác.",
            "Sổ tay sức khỏe mẹ và bé",
            "Dành cho người đang mang thai và người bạn đời. Vui lòng nhập ngày dự sinh.",
        ),
        "ja-easy": (
            "おなかに {赤|あか}ちゃんが いる {人|ひと}の {集|あつ}まり",
            "{子育|こそだ}てを {手伝|てつだ}う {場所|ばしょ}を {知|し}ります。ほかの "
            "{妊婦|にんぷ}さんと {友|とも}だちに なれます。",
            "{母子手帳|ぼしてちょう}",
            "おなかに {赤|あか}ちゃんが いる {人|ひと}と その パートナーが {来|こ}られます。"
            "{赤|あか}ちゃんが {生|う}まれる {予定|よてい}の {日|ひ}を {書|か}いて ください。",
        ),
    },
    "fureai-0-1": {
        "en": (
            "",
            "Play together with your baby (0 to 1 year old).",
            "Something to drink, a towel",
            "",
        ),
        "zh-hans": ("按年龄 亲子游戏（0〜1岁）", "0〜1岁宝宝和家长的亲子游戏。", "饮料、毛巾", ""),
        "ko": (
            "연령별 부모와 아이 놀이 (0~1세)",
            "0~1세 아이와 보호자가 함께하는 놀이입니다.",
            "음료, 수건",
            "",
        ),
        "pt-br": (
            "Brincadeiras entre pais e filhos (0 a 1 ano)",
            "Brincadeiras para bebês de 0 a 1 ano com os pais.",
            "Bebida, toalha",
            "",
        ),
        "vi": (
            "Chơi cùng con theo độ tuổi (0-1 tuổi)",
            "Cha mẹ chơi cùng bé từ 0 đến 1 tuổi.",
            "Đồ uống, khăn",
            "",
        ),
        "ja-easy": (
            "{親子|おやこ}で あそぶ（0〜1さい）",
            "0さいと 1さいの {子|こ}どもと おうちの {人|ひと}が いっしょに あそびます。",
            "{飲|の}みもの、タオル",
            "",
        ),
    },
    "rinyushoku": {
        "en": (
            "",
            "Learn how your baby's mouth develops and about eating habits.",
            "Maternal and child health handbook, an apron",
            "For parents of babies aged 5 to 11 months.",
        ),
        "zh-hans": (
            "辅食教室",
            "学习宝宝口腔功能和饮食习惯。",
            "母子健康手册、围裙",
            "对象为5至11个月宝宝的家长。",
        ),
        "ko": (
            "이유식 교실",
            "아기의 입 기능과 식습관에 대해 배웁니다.",
            "모자건강수첩, 앞치마",
            "생후 5개월부터 11개월 아기의 보호자가 대상입니다.",
        ),
        "pt-br": (
            "Aula de papinhas",
            "Aprenda sobre o desenvolvimento da boca do bebê e os hábitos alimentares.",
            "Caderneta de saúde da mãe e da criança, avental",
            "Para pais de bebês de 5 a 11 meses.",
        ),
        "vi": (
            "Lớp học ăn dặm",
            "Tìm hiểu về chức năng miệng của bé và thói quen ăn uống.",
            "Sổ tay sức khỏe mẹ và bé, tạp dề",
            "Dành cho phụ huynh có bé từ 5 đến 11 tháng tuổi.",
        ),
        "ja-easy": (
            "{離乳食|りにゅうしょく}の {教室|きょうしつ}",
            "{赤|あか}ちゃんの {口|くち}と {食|た}べかたに ついて {学|まな}びます。",
            "{母子手帳|ぼしてちょう}、エプロン",
            "5か{月|げつ}から 11か{月|げつ}の {赤|あか}ちゃんの おうちの {人|ひと}が "
            "{来|こ}られます。",
        ),
    },
    "bookstart": {
        "en": ("", "Enjoy picture books with your baby and try reading aloud together.", "", ""),
        "zh-hans": ("图书起跑线", "通过绘本和宝宝共度快乐时光，体验亲子共读。", "", ""),
        "ko": (
            "북스타트",
            "그림책으로 아기와 즐거운 시간을 보냅니다. 책 읽어 주기를 체험합니다.",
            "",
            "",
        ),
        "pt-br": (
            "Bookstart",
            "Momentos alegres com o bebê através dos livros ilustrados; experimente ler em voz "
            "alta.",
            "",
            "",
        ),
        "vi": (
            "Bookstart",
            "Dành thời gian vui vẻ với bé qua sách tranh và thử đọc sách cho bé nghe.",
            "",
            "",
        ),
        "ja-easy": (
            "ブックスタート",
            "{絵本|えほん}を {赤|あか}ちゃんと いっしょに {読|よ}みます。",
            "",
            "",
        ),
    },
}


# The rest of the catalogue: title and description (what to bring and eligibility as above).
PROGRAMS.update(
    {
        "maternity-class": {
            "en": ("", "Practise bathing a baby; partners try on a pregnancy jacket.", "", ""),
            "zh-hans": (
                "孕妇教室",
                "练习给宝宝洗澡，爸爸体验孕妇模拟服等。",
                "母子健康手册、毛巾",
                "",
            ),
            "ko": (
                "임산부 교실",
                "아기 목욕 연습, 아빠의 임산부 체험 재킷 체험 등.",
                "모자건강수첩, 수건",
                "",
            ),
            "pt-br": (
                "Aula para gestantes",
                "Pratique o banho do bebê; o parceiro experimenta o colete de gestante.",
                "Caderneta de saúde da mãe e da criança, toalha",
                "",
            ),
            "vi": (
                "Lớp học dành cho bà bầu",
                "Thực hành tắm cho bé; ông bố thử mặc áo mô phỏng mang thai.",
                "Sổ tay sức khỏe mẹ và bé, khăn",
                "",
            ),
            "ja-easy": (
                "おなかに {赤|あか}ちゃんが いる {人|ひと}の {教室|きょうしつ}",
                "{赤|あか}ちゃんを おふろに {入|い}れる {練習|れんしゅう}を します。",
                "{母子手帳|ぼしてちょう}、タオル",
                "",
            ),
        },
        "ikuboss-seminar": {
            "en": (
                "",
                "For managers who support their staff's careers and work-life balance.",
                "",
                "",
            ),
            "zh-hans": (
                "育儿上司研讨会",
                "面向支持下属职业发展和工作生活平衡的上司的研讨会。",
                "",
                "",
            ),
            "ko": (
                "이쿠보스 세미나",
                "부하 직원의 경력과 일·생활 균형을 응원하는 상사를 위한 세미나.",
                "",
                "",
            ),
            "pt-br": (
                "Seminário Ikuboss",
                "Para gestores que apoiam a carreira e o equilíbrio entre trabalho e vida "
                "da equipe.",
                "",
                "",
            ),
            "vi": (
                "Hội thảo Ikuboss",
                "Dành cho cấp trên ủng hộ sự nghiệp và cân bằng công việc - cuộc sống "
                "của nhân viên.",
                "",
                "",
            ),
            "ja-easy": (
                "イクボス セミナー",
                "{会社|かいしゃ}で はたらく {人|ひと}の {子育|こそだ}てを {応援|おうえん}する "
                "{上司|じょうし}の ための セミナーです。",
                "",
                "",
            ),
        },
        "parent-training": {
            "en": ("", "A course of 4 sessions. Please apply for all 4.", "", ""),
            "zh-hans": ("家长培训", "共4次的连续讲座。请报名全部4次。", "", ""),
            "ko": ("부모 훈련", "총 4회 연속 강좌입니다. 4회 모두 신청해 주세요.", "", ""),
            "pt-br": ("Treinamento para pais", "Curso de 4 encontros. Inscreva-se nos 4.", "", ""),
            "vi": (
                "Huấn luyện phụ huynh",
                "Khóa học gồm 4 buổi. Vui lòng đăng ký cả 4 buổi.",
                "",
                "",
            ),
            "ja-easy": (
                "ペアレント トレーニング",
                "4{回|かい} つづけて {学|まな}ぶ {教室|きょうしつ}です。4{回|かい} ぜんぶ "
                "{申|もう}し{込|こ}んで ください。",
                "",
                "",
            ),
        },
        "sukoyaka-koryukai": {
            "en": ("", "A parenting get-together for each district.", "", ""),
            "zh-hans": ("健康育儿交流会", "按地区举办的育儿交流会。", "", ""),
            "ko": ("건강 육아 교류회", "지역별 육아 교류회입니다.", "", ""),
            "pt-br": ("Encontro de pais Sukoyaka", "Encontro de pais de cada bairro.", "", ""),
            "vi": (
                "Buổi giao lưu nuôi dạy trẻ Sukoyaka",
                "Buổi giao lưu nuôi dạy trẻ theo từng khu vực.",
                "",
                "",
            ),
            "ja-easy": (
                "{子育|こそだ}ての {集|あつ}まり",
                "{住|す}んでいる {地区|ちく}ごとの {子育|こそだ}ての {集|あつ}まりです。",
                "",
                "",
            ),
        },
        "nyuen-soudan": {
            "en": ("", "Ask about getting a place at a nursery.", "", ""),
            "zh-hans": ("入园咨询会（外出形式）", "接受有关入园的咨询。", "", ""),
            "ko": ("입원 상담회 (출장 형식)", "어린이집 입소에 관한 상담을 받습니다.", "", ""),
            "pt-br": (
                "Consulta sobre vagas em creches",
                "Tire dúvidas sobre a matrícula na creche.",
                "",
                "",
            ),
            "vi": ("Buổi tư vấn vào nhà trẻ", "Tư vấn về việc cho con vào nhà trẻ.", "", ""),
            "ja-easy": (
                "{保育園|ほいくえん}に {入|はい}る ための {相談|そうだん}",
                "{保育園|ほいくえん}に {入|はい}る ことに ついて {相談|そうだん}できます。",
                "",
                "",
            ),
        },
        "shigoto-cafe": {
            "en": ("", "Advice for parents looking for work.", "", ""),
            "zh-hans": ("工作咨询咖啡馆", "为正在找工作的家长举办的咨询会。", "", ""),
            "ko": ("일자리 상담 카페", "일자리를 찾는 보호자를 위한 상담회입니다.", "", ""),
            "pt-br": (
                "Café de orientação profissional",
                "Orientação para pais que procuram trabalho.",
                "",
                "",
            ),
            "vi": (
                "Quán cà phê tư vấn việc làm",
                "Buổi tư vấn cho phụ huynh đang tìm việc làm.",
                "",
                "",
            ),
            "ja-easy": (
                "しごとの {相談|そうだん} カフェ",
                "しごとを さがして いる おうちの {人|ひと}の {相談|そうだん}を {聞|き}きます。",
                "",
                "",
            ),
        },
    }
)
