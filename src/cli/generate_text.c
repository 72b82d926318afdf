/* generate_text.c — see generate_text.h. Templates are plain UTF-8 with one-letter
 * placeholders in braces ({C} compound, {K} keyword ...), expanded by a bounded writer; a
 * category without its own templates falls back to its family's (first four digits of the
 * code), then to one per request type built around the category's keywords. */
#include "cli/generate_text.h"
#include <stdio.h>
#include <string.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[gen_next(r) % N_OF(a)])

/* ---- names and places ------------------------------------------------------------------- */

/* Roughly in order of frequency: the picker below favours the front of the list. */
static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
    "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
    "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
    "万", "钱", "严", "武", "戴", "莫", "孔", "向", "汤", "欧阳", "司马", "诸葛"};

static const char *const given_names[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "霞", "平", "刚", "辉", "玲", "桂英", "秀英", "建华", "建国", "志强", "海燕",
    "玉兰", "秀兰", "丹", "萍", "鹏", "华", "红", "玉梅", "浩", "宇", "子涵", "梓涵", "欣怡",
    "俊杰", "国强", "文", "斌", "宁", "波", "燕", "颖", "琳", "晨", "雪", "婷", "倩", "佳",
    "思远", "晓东", "晓燕", "红梅", "丽华", "春梅", "德明", "永刚", "卫东", "淑芬", "凤英",
    "桂兰", "立新", "海涛", "金凤", "秋菊", "小平", "新民", "振华", "雨轩", "浩然", "一鸣",
    "诗涵", "博文", "嘉怡", "天佑", "美玲", "志刚", "春华", "建军", "丽娟", "文静", "家豪"};

static const char *const road_stems[] = {
    "建设", "解放", "中山", "人民", "和平", "友谊", "长江", "黄河", "光明", "胜利", "新华",
    "滨江", "江汉", "东风", "文化", "学府", "科技", "青年", "花园", "幸福", "民主", "团结",
    "朝阳", "红旗", "前进", "工农", "复兴", "兴业", "创业", "振兴", "迎宾", "车站", "沿江",
    "湖滨", "东湖", "西山", "南湖", "北环", "香樟", "梧桐", "银杏", "紫荆", "丁香", "玉兰",
    "桃源", "春江", "秋实", "金桥", "银湖", "翠微", "清河", "白沙", "石门", "柳林", "古田",
    "龙泉", "花山", "枫林", "青石", "梨园", "东亭", "长丰", "北门", "双河", "桥头", "高新"};
static const char *const road_kinds[] = {"路", "路", "路", "街", "大道", "巷", "路", "大街"};

static const char *const compounds[] = {
    "阳光花园", "金色家园", "幸福里", "翠苑小区", "锦绣城", "银河湾", "碧水云天", "香樟苑",
    "桂花园", "和谐家园", "春天里", "江景华府", "御景湾", "东方名苑", "世纪花城", "清华园",
    "书香门第", "丽水佳园", "绿地新都会", "万科城", "保利花园", "水岸星城", "龙湖春江",
    "天鹅湖小区", "紫薇苑", "芙蓉小区", "电力宿舍", "纺织厂宿舍", "铁路新村", "建工小区",
    "百花小区", "教师新村", "工人新村", "滨江花园", "南湖名都", "学府雅居", "东亭小区",
    "梨园新村", "枫林晚小区", "青石佳苑", "北门小区", "和平里", "古田小区", "科创公寓",
    "龙泉山庄", "花山郡", "城关新村", "柳林小区", "双河佳苑", "石门新村", "白沙洲小区",
    "长丰花园", "西关小区", "黄岭新村", "湖滨公寓", "新华小区", "江北人家", "国际城",
    "恒大名都", "碧桂园", "中海国际社区", "融创壹号院", "金地格林小城", "万达广场公寓"};

/* Index into a list, favouring its front (squared uniform): frequent names come first. */
static size_t front_biased(gen_rng *r, size_t n)
{
    double u = gen_unit(r);
    size_t i = (size_t)(u * u * (double)n);
    return i < n ? i : n - 1;
}

const char *gen_person_name(arena *a, gen_rng *r)
{
    const char *sur = surnames[front_biased(r, N_OF(surnames))];
    double u = gen_unit(r);
    if (u < 0.05) return ""; /* did not give a name */
    if (u < 0.35) return arena_printf(a, "%s%s", sur, gen_chance(r, 0.5) ? "先生" : "女士");
    return arena_printf(a, "%s%s", sur, PICK(r, given_names));
}

const char *gen_phone(arena *a, gen_rng *r)
{
    static const char *const prefixes[] = {"13", "13", "13", "15", "15", "18", "18", "17",
                                           "19", "14", "16"};
    return arena_printf(a, "%s%d%08d", PICK(r, prefixes), (int)gen_range(r, 0, 9),
                        (int)gen_range(r, 0, 99999999));
}

void gen_address(arena *a, gen_rng *r, int district_ix, gen_topic *t, const char **address)
{
    /* each district draws from its own stretch of the lists, so its names recur */
    size_t base = (size_t)(district_ix < 0 ? 0 : district_ix) * 9;
    const char *stem = road_stems[(base + gen_next(r) % 14) % N_OF(road_stems)];
    const char *kind = road_kinds[(base / 9 + gen_next(r) % 3) % N_OF(road_kinds)];
    t->road = arena_printf(a, "%s%s", stem, kind);
    t->compound = compounds[(base + gen_next(r) % 16) % N_OF(compounds)];
    t->building = (int)gen_range(r, 1, 32);
    int number = (int)gen_range(r, 1, 388), unit = (int)gen_range(r, 1, 6);
    double u = gen_unit(r);
    if (u < 0.45)
        *address = arena_printf(a, "%s%d号%s%d栋%d单元", t->road, number, t->compound,
                                t->building, unit);
    else if (u < 0.75)
        *address = arena_printf(a, "%s%d栋", t->compound, t->building);
    else {
        *address = arena_printf(a, "%s%d号", t->road, number);
        t->compound = ""; /* a street address: the text talks about the road */
    }
}

/* ---- templates -------------------------------------------------------------------------- */

typedef struct {
    const char *code; /* a leaf code, or a family prefix of four digits */
    const char *const *texts;
    size_t n;
} template_set;

#define SET(code, arr) {code, arr, N_OF(arr)}

static const char *const t010101[] = {
    "{C}物业公司不作为，楼道垃圾{N}天没人清理，保洁形同虚设，多次找物业无果，要求相关部门督促整改。",
    "反映{C}物业服务差，小区大门保安经常不在岗，外来人员随意进出，存在安全隐患，希望尽快处理。",
    "{C}{B}栋楼道堆满杂物，物业一直不清理，业主多次反映没有回应，希望有关部门监督物业履职。"};
static const char *const t010102[] = {
    "{C}物业公司今年擅自上调物业费，没有经过业主大会同意，也没有公示，业主不认可，要求核查。",
    "{C}物业强制收取停车费每月{V}元，没有公示收费依据，要求核实是否合规。",
    "{C}物业以业主欠物业费为由停水停电，来电人认为做法违规，要求处理。"};
static const char *const t010103[] = {
    "{C}{B}栋电梯坏了{N}天还没修好，楼里老人多，上下楼非常困难，要求尽快维修。",
    "{C}{B}栋{U}单元电梯频繁故障，今天又停运，有人被困在电梯里二十多分钟，存在严重安全隐患。",
    "{C}{B}栋电梯运行时异响抖动，物业说等配件，已经拖了{W}周，要求尽快检修。"};
static const char *const t010104[] = {
    "{C}{B}栋{U}单元楼道灯不亮已经{N}天了，晚上上下楼看不清，老人摔倒过，要求物业尽快维修。",
    "{C}{B}栋单元门门禁坏了{W}周，谁都能进，物业一直拖着不修，要求处理。",
    "{C}儿童游乐设施损坏，有尖锐部件露出，孩子玩耍很危险，要求尽快维修。"};
static const char *const t010201[] = {
    "{C}{B}栋新交的房子墙体出现多处裂缝，卫生间漏水到楼下，开发商拖着不修，要求督促处理。",
    "来电人在{C}购买的新房地面空鼓、窗户渗水，多次找开发商没有结果，要求处理。"};
static const char *const t010202[] = {
    "来电人购买的{C}楼盘合同约定去年年底交房，现已逾期{M}个月仍未交付，开发商没有说法，要求协调。"};
static const char *const t010301[] = {
    "{R}一处工地塔吊下方没有设置围挡，行人从下面经过，存在安全隐患，要求尽快处理。",
    "{R}工地脚手架搭在人行道上，没有防护网，经常有东西掉下来，要求立即整改。"};
static const char *const t010302[] = {
    "{R}工地施工扬尘很大，渣土车不覆盖，附近{C}居民窗户都不敢开，要求处理。"};
static const char *const t020101[] = {
    "{R}路灯不亮已经{N}天了，晚上路面漆黑，行人和电动车很不安全，希望尽快维修。",
    "{C}门口{R}上有一排路灯都不亮，晚上出行不方便，请相关部门来看看。",
    "{R}{#}号附近的路灯{N}天前就坏了，一直忽明忽暗，至今无人修理。"};
static const char *const t020102[] = {
    "{R}路面破损严重，坑洼不平，下雨天积水，已经有电动车摔倒，要求尽快修补。",
    "{R}{#}号门口路面塌了一块，车辆经过颠簸，要求修复。"};
static const char *const t020103[] = {
    "{R}{#}号门口的井盖缺失，只放了个锥桶，晚上很危险，要求立即处理。",
    "{C}门口{R}上井盖破损下陷，已经有人踩空，要求尽快更换。"};
static const char *const t020104[] = {
    "{R}靠近{C}的路面出现塌陷，有个大坑，车辆都在绕行，要求尽快处置。"};
static const char *const t020105[] = {
    "{C}{B}栋下水道堵塞，污水外溢到路面，臭味很大，已经{N}天了，要求疏通。",
    "{R}{#}号附近排水管道堵了，一下雨污水就往外冒，要求疏通。"};
static const char *const t020106[] = {
    "{R}一下雨就积水，最深处没过小腿，行人无法通行，希望改造排水设施。"};
static const char *const t020201[] = {
    "{C}门口的垃圾桶满了{N}天没人清运，垃圾堆到路边，气味难闻，招苍蝇。",
    "{R}{#}号附近的垃圾站没人管，垃圾溢出来，夏天臭气熏天，要求及时清运。"};
static const char *const t020301[] = {
    "{R}{C}门口每天晚上有小贩占道摆摊，堵塞交通，油烟和噪音扰民，要求整治。",
    "{R}沿街商铺出店经营，把人行道全部占用，行人只能走机动车道，要求处理。"};
static const char *const t020302[] = {
    "{C}{B}栋顶楼业主私搭乱建，在楼顶加盖房屋，存在安全隐患，要求查处。",
    "{C}一楼住户私自扩建院子，占用公共绿地，要求拆除。"};
static const char *const t020304[] = {
    "{R}地铁口共享单车乱停乱放，把人行道全占了，行人只能走机动车道。"};
static const char *const t030101[] = {
    "{C}楼下的餐馆油烟直排，没有安装净化设施，油烟呛人，窗户都不能开，要求处理。",
    "{R}{#}号烧烤店每天晚上在门口烧烤，烟雾很大，要求整治。"};
static const char *const t030201[] = {
    "{C}附近广场每天晚上有人跳广场舞，音响声音很大，一直到{H}，严重影响休息。",
    "{C}{B}栋楼下商铺装修，每天电钻声不断，周末也不停，要求处理。",
    "{R}一家酒吧每天营业到{H}，音乐声很大，周边居民无法入睡。"};
static const char *const t030202[] = {
    "{R}工地每天{H}还在施工，打桩声音很大，附近居民无法入睡，要求查处夜间施工。",
    "{C}旁边的工地半夜施工，渣土车进出轰鸣，已经持续{W}周，要求处理。"};
static const char *const t030204[] = {
    "{R}每天深夜有改装车炸街，轰鸣声很大，严重扰民，希望加强整治。"};
static const char *const t040302[] = {
    "{C}门口{R}上车辆乱停，占用消防通道和人行道，出行不便，要求处理。"};
static const char *const t050101[] = {
    "来电人在{R}一家公司工作，公司拖欠{M}个月工资共计{Y}元，多次讨要无果，要求帮助讨薪。",
    "来电人是农民工，在{R}附近工地干活，包工头拖欠工资{Y}元至今未付，要求协调解决。",
    "来电人从{R}一家餐馆离职，老板拒不结算最后{M}个月工资，要求帮助维权。"};
static const char *const t050102[] = {
    "来电人被单位无故辞退，没有任何经济补偿，咨询如何申请劳动仲裁维权。"};
static const char *const t050201[] = {
    "来电人社保断缴了{M}个月，咨询能否补缴以及补缴需要哪些材料。",
    "来电人咨询灵活就业人员社保缴费基数和缴费方式。",
    "来电人换了工作单位，咨询社保关系如何转移接续。"};
static const char *const t050202[] = {
    "来电人即将退休，咨询养老金领取需要办理哪些手续、什么时候开始发放。",
    "来电人咨询养老金本月为什么比上月少，要求核实。"};
static const char *const t050203[] = {
    "来电人失业后申领失业保险金一直没有到账，已经过去{W}周，要求帮助查询。"};
static const char *const t050204[] = {
    "来电人社保卡丢失，咨询补卡流程以及在哪里办理。",
    "来电人咨询新办的社保卡如何激活金融功能。"};
static const char *const t070301[] = {
    "来电人咨询门诊费用的医保报销比例，以及慢性病门诊如何报销。"};
static const char *const t080201[] = {
    "来电人在{R}一家商店购买的商品存在质量问题，商家拒绝退货，要求维权。"};
static const char *const t080202[] = {
    "{R}一家健身房突然关门，来电人办的会员卡还剩{Y}元没有消费，要求帮助退费。",
    "{R}一家理发店办的预付卡，店铺转让后不认账，卡里还有{V}元，要求处理。"};
static const char *const t090101[] = {
    "{C}{B}栋从今天早上开始停水，事先没有任何通知，现在还没来水，生活很不方便，要求尽快恢复供水。",
    "{S}{C}一带停水已经{O}个小时了，家里有老人小孩，要求告知什么时候恢复。",
    "{R}{#}号附近突然停水，水龙头没水，要求尽快查明原因。"};
static const char *const t090102[] = {
    "{C}自来水发黄浑浊，有异味，放了很久也不清，担心水质问题，要求检测。"};
static const char *const t090103[] = {
    "{C}{B}栋{F}楼水压太低，白天水龙头出水很小，热水器都打不着火，要求解决。"};
static const char *const t090104[] = {
    "{R}{C}门口地下水管破裂，路面冒水，水流很大，要求尽快抢修。",
    "{R}{#}号附近爆管，马路上全是水，要求立即关阀抢修。"};
static const char *const t090105[] = {
    "来电人咨询水费账单比上月高出很多，怀疑水表有问题，要求核查。"};
static const char *const t090201[] = {
    "{C}{B}栋突然停电，已经{O}个小时了，没有接到停电通知，要求尽快恢复供电。",
    "{R}一带大面积停电，红绿灯也不亮了，要求尽快抢修。"};
static const char *const t090202[] = {
    "{C}最近电压不稳，灯光忽明忽暗，家里电器都不敢用，要求检查线路。"};
static const char *const t090203[] = {
    "{R}一根电线杆倾斜，电线垂到人行道上，存在很大安全隐患，要求立即处理。"};
static const char *const t090301[] = {
    "{C}{B}栋{U}单元楼道里闻到很重的燃气味，怀疑燃气泄漏，要求立即派人检查。"};
static const char *const t090302[] = {
    "{C}从昨天开始停气，无法做饭，燃气公司电话打不通，要求尽快恢复供气。"};
static const char *const t090401[] = {
    "{C}{B}栋{F}楼暖气不热，室内温度只有{Z}度，家里有老人孩子，已经交了供暖费，要求热力公司解决。",
    "今年供暖以来{C}暖气一直温度低，白天室温不到{Z}度，多次报修没有结果。",
    "{C}{B}栋暖气上热下不热，{F}楼以上基本不热，要求热力公司排气调压。"};
static const char *const t090402[] = {
    "{C}{B}栋暖气突然停了，已经{O}个小时，室内很冷，要求尽快恢复供暖。",
    "{C}整个小区停暖，热力公司说管网抢修，没有说什么时候恢复，要求尽快解决。"};
static const char *const t090403[] = {
    "{C}{B}栋{F}楼暖气片漏水，水流到楼下邻居家，找不到维修人员，要求紧急处理。"};
static const char *const t090404[] = {
    "来电人咨询今年供暖费的缴费标准和缴费时间，以及房子空置能否办理报停。",
    "来电人咨询供暖费是否可以线上缴纳，以及低保户有没有减免。"};
static const char *const t110201[] = {
    "{C}消防通道被私家车长期占用，消防车进不来，要求清理。"};
static const char *const t110202[] = {
    "{C}{B}栋楼道里有人私拉飞线给电动车充电，存在火灾隐患，物业不管，要求处理。",
    "{C}{B}栋有住户把电动车推进电梯带回家充电，存在安全隐患，要求处理。"};
static const char *const t020202[] = {
    "{R}{#}号附近的公共厕所脏乱不堪，异味很大，长期没人打扫，要求加强保洁。"};
static const char *const t020203[] = {
    "{C}{B}栋楼道和单元门上贴满小广告，刚清理又贴上，要求整治。"};
static const char *const t020204[] = {
    "{R}路边空地上有人夜里偷倒建筑垃圾，已经堆成小山，要求查处并清运。"};
static const char *const t020401[] = {
    "{R}{#}号门口一棵大树被风刮倒，压住了半边马路，要求尽快清理。"};
static const char *const t020402[] = {
    "{C}{B}栋楼前的树木太高，树枝伸到窗户边，挡光还招虫，要求修剪。"};
static const char *const t030102[] = {
    "{R}附近一家工厂晚上偷排废气，气味刺鼻，附近{C}居民头晕，要求查处。"};
static const char *const t030103[] = {
    "{R}附近空地上有人焚烧垃圾，浓烟很大，附近居民不敢开窗，要求制止。"};
static const char *const t030104[] = {
    "{C}附近最近经常有刺鼻异味，晚上尤其明显，不知道从哪里来的，要求排查。"};
static const char *const t040101[] = {
    "来电人住在{C}，附近没有公交站，建议增加公交线路或在{R}增设站点。",
    "来电人建议早晚高峰加密{R}方向的公交班次，现在等车要半个多小时。"};
static const char *const t040102[] = {
    "来电人乘坐公交车时司机在{R}站甩站不停靠，态度恶劣，要求处理。",
    "来电人反映公交司机开车打电话、急刹急停，乘客摔倒，要求处理。"};
static const char *const t040103[] = {
    "{R}公交站的候车亭顶棚破损，站牌也看不清，下雨天无处躲雨，要求维修。"};
static const char *const t040104[] = {
    "来电人咨询老年人免费乘车卡怎么办理，需要带哪些材料。",
    "来电人咨询手机乘车码能否在全市公交和地铁通用。"};
static const char *const t040201[] = {
    "来电人在{R}打出租车，司机拒载，还说不打表要议价，要求处理。",
    "来电人反映出租车司机故意绕路，多收了车费，有行程记录，要求退还。"};
static const char *const t040202[] = {
    "来电人通过打车软件叫网约车，司机中途要求加价，不同意就赶人下车，要求处理。"};
static const char *const t040203[] = {
    "来电人{I}乘坐出租车把手机落在车上，记得是在{R}下的车，请求帮助查找。"};
static const char *const t060101[] = {
    "来电人反映孩子学校要求统一购买教辅资料，每学期收费几百元，要求核查是否合规。"};
static const char *const t060102[] = {
    "来电人咨询孩子今年上小学的入学报名时间、学区划分和需要准备的材料。",
    "来电人随迁子女在本市上学，咨询转学和入学需要办理哪些手续。"};
static const char *const t060103[] = {
    "来电人在{R}一家校外培训机构交了{Y}元培训费，机构停课后拒绝退费，要求处理。"};
static const char *const t070101[] = {
    "来电人在医院看病排队{O}个小时，医生态度冷淡，要求改进服务。",
    "来电人反映医院检查项目收费不明，怀疑重复收费，要求核查。"};
static const char *const t070102[] = {
    "来电人咨询如何预约专家号，网上一直约不上，有没有其他挂号渠道。"};
static const char *const t070302[] = {
    "来电人咨询城乡居民医保今年的缴费标准和缴费截止时间。"};
static const char *const t070303[] = {
    "来电人在外地长期居住，咨询异地就医备案如何办理，要求帮助。"};
static const char *const t080101[] = {
    "来电人在{R}一家超市买到过期食品，商家不给处理，要求查处。"};
static const char *const t080102[] = {
    "来电人在{R}一家餐馆吃饭，发现菜里有苍蝇，后厨卫生很差，要求检查。"};
static const char *const t080203[] = {
    "{R}一家商店商品不明码标价，结账时乱要价，要求查处。"};
static const char *const t100101[] = {
    "来电人家庭生活困难，咨询低保申请条件和需要提交的材料。"};
static const char *const t110101[] = {
    "{C}最近经常有可疑人员出入，有住户电动车被盗，要求加强巡逻。"};
static const char *const t110102[] = {
    "来电人接到自称客服的电话要求转账退款，怀疑是诈骗，咨询如何处理。"};
static const char *const t110103[] = {
    "来电人咨询孩子上户口需要哪些材料，在哪里办理。",
    "来电人咨询身份证丢失后补办流程和办理时间。"};
static const char *const t120101[] = {
    "来电人咨询{T}相关政策，想了解自己是否符合条件。"};
static const char *const t120102[] = {
    "来电人咨询办理营业执照变更需要准备哪些材料，能否网上办理。",
    "来电人咨询公积金提取的办理流程和所需材料。"};
static const char *const t120201[] = {
    "来电人在{D}政务服务中心办事，窗口工作人员推诿，让来回跑了{M}趟，要求处理。"};
static const char *const t1401[] = {
    "来电人表扬{T}相关工作人员工作认真负责，很快就帮助解决了问题，特此致谢。",
    "来电人表扬{S}工作人员上门帮助解决了{K}问题，服务热情周到。"};
static const char *const t1402[] = {
    "来电人表扬12345热线接线员耐心细致，帮助解决了实际困难。"};

static const template_set sets[] = {
    SET("010101", t010101), SET("010102", t010102), SET("010103", t010103),
    SET("010104", t010104), SET("010201", t010201), SET("010202", t010202),
    SET("010301", t010301), SET("010302", t010302), SET("020101", t020101),
    SET("020102", t020102), SET("020103", t020103), SET("020104", t020104),
    SET("020105", t020105), SET("020106", t020106), SET("020201", t020201),
    SET("020301", t020301), SET("020302", t020302), SET("020304", t020304),
    SET("030101", t030101), SET("030201", t030201), SET("030202", t030202),
    SET("030204", t030204), SET("040302", t040302), SET("050101", t050101),
    SET("050102", t050102), SET("050201", t050201), SET("050202", t050202),
    SET("050203", t050203), SET("050204", t050204), SET("070301", t070301),
    SET("080201", t080201), SET("080202", t080202), SET("090101", t090101),
    SET("090102", t090102), SET("090103", t090103), SET("090104", t090104),
    SET("090105", t090105), SET("090201", t090201), SET("090202", t090202),
    SET("090203", t090203), SET("090301", t090301), SET("090302", t090302),
    SET("090401", t090401), SET("090402", t090402), SET("090403", t090403),
    SET("090404", t090404), SET("110201", t110201), SET("110202", t110202),
    SET("020202", t020202), SET("020203", t020203), SET("020204", t020204),
    SET("020401", t020401), SET("020402", t020402), SET("030102", t030102),
    SET("030103", t030103), SET("030104", t030104), SET("040101", t040101),
    SET("040102", t040102), SET("040103", t040103), SET("040104", t040104),
    SET("040201", t040201), SET("040202", t040202), SET("040203", t040203),
    SET("060101", t060101), SET("060102", t060102), SET("060103", t060103),
    SET("070101", t070101), SET("070102", t070102), SET("070302", t070302),
    SET("070303", t070303), SET("080101", t080101), SET("080102", t080102),
    SET("080203", t080203), SET("100101", t100101), SET("110101", t110101),
    SET("110102", t110102), SET("110103", t110103), SET("120101", t120101),
    SET("120102", t120102), SET("120201", t120201), SET("1401", t1401),
    SET("1402", t1402),
};

/* Matters that happen at a place (a road, a compound) rather than to a person's affairs:
 * only these texts, titles and replies name the place. */
static bool place_matter(const char *code)
{
    static const char *const prefixes[] = {"01", "02", "03", "09", "11", "13", "0403",
                                           "0603", "0702"};
    for (size_t i = 0; code && i < N_OF(prefixes); i++)
        if (strncmp(code, prefixes[i], strlen(prefixes[i])) == 0) return true;
    return false;
}

/* By request type, for categories without their own words: built around a keyword; [1] for
 * matters of a place, [0] for a person's affairs. */
static const char *const by_type[2][REQ_TYPE_COUNT][3] = {
    [0] = {
        [REQ_CONSULTATION] = {"来电人咨询{K}相关事宜，希望了解具体的办理条件和流程。",
                              "来电人想了解{T}方面的政策规定，请相关部门予以解答。",
                              "来电人咨询{K}的办理地点、所需材料和办理时限。"},
        [REQ_HELP] = {"来电人遇到{K}方面的困难，自己无法解决，希望相关部门帮助协调。",
                      "来电人反映{T}的事情已经拖了{N}天，请求有关部门尽快帮助解决。",
                      "来电人因{K}问题多方求助未果，请求相关部门协调处理。"},
        [REQ_COMPLAINT] = {"来电人投诉{T}，涉及{K}，多次沟通没有结果，要求相关部门处理。",
                           "来电人对{K}的处理很不满意，认为侵害了自身权益，要求有关部门督促整改。",
                           "来电人反映{T}方面的问题，已经持续{W}周，要求相关部门调查处理。"},
        [REQ_REPORT] = {"来电人举报有关{K}的违规行为，要求相关部门调查处理。",
                        "来电人举报{R}一带存在{T}的情况，请相关部门核查。",
                        "来电人实名举报{K}问题，已持续{W}周，要求依法查处。"},
        [REQ_SUGGESTION] = {"来电人就{T}提出建议，希望相关部门研究采纳。",
                            "来电人建议相关部门在{K}方面多听取群众意见，改进工作。",
                            "来电人建议优化{T}的办理流程，方便群众。"},
        [REQ_PRAISE] = {"来电人表扬{T}，工作人员认真负责，问题解决及时，特此表示感谢。",
                        "来电人对相关工作人员热心帮助表示感谢，希望给予表扬。",
                        "来电人表扬相关工作人员，事情办得又快又好。"},
    },
    [1] = {
        [REQ_CONSULTATION] = {"来电人咨询{K}相关事宜，希望了解具体的办理条件和流程。",
                              "来电人想了解{T}方面的政策规定，请相关部门予以解答。",
                              "来电人住在{P}，咨询{K}相关问题该找哪个部门。"},
        [REQ_HELP] = {"来电人反映{P}附近存在{K}问题，影响日常生活，请求帮助解决。",
                      "来电人住在{P}，最近遇到{K}的困难，自己无法解决，希望有关部门帮忙。",
                      "来电人反映{P}{K}问题已经{N}天了，请求尽快协调处理。"},
        [REQ_COMPLAINT] = {"来电人投诉{P}{K}问题，已经持续{N}天，多次反映未得到解决，要求相关部门处理。",
                           "来电人反映{P}{K}的情况很严重，影响周边居民，要求整改。",
                           "来电人反映{P}长期存在{K}问题，投诉无门，要求有关部门督促解决。"},
        [REQ_REPORT] = {"来电人举报{P}存在{K}的情况，要求相关部门调查处理。",
                        "来电人反映{P}附近有{K}现象，已经持续{W}周，要求查处。",
                        "来电人举报{R}{#}号存在{K}问题，请相关部门核查。"},
        [REQ_SUGGESTION] = {"来电人建议加强{T}工作，{K}方面问题比较突出，希望相关部门研究采纳。",
                            "来电人就{K}提出建议，希望{D}在{P}一带统筹考虑，方便群众。",
                            "来电人建议相关部门优化{T}，多听取群众意见。"},
        [REQ_PRAISE] = {"来电人表扬{T}，工作人员认真负责，问题解决及时，特此表示感谢。",
                        "来电人对{S}工作人员热心帮助表示感谢，希望给予表扬。",
                        "来电人表扬相关工作人员，{K}问题处理得又快又好。"},
    },
};

/* A unit's reply, [1] for matters of a place, [0] for a person's affairs. */
static const char *const replies[2][REQ_TYPE_COUNT][3] = {
    [0] = {
        [REQ_CONSULTATION] = {"经核实，已电话联系来电人，就其咨询的{T}问题进行了详细解答，来电人表示清楚。",
                              "已向来电人说明{T}相关政策和办理流程，并告知了办理地点和所需材料。",
                              "已联系来电人答复：相关事项可在政务服务网上办理，也可到{D}政务服务中心窗口办理。"},
        [REQ_HELP] = {"已联系来电人了解具体情况，协调相关单位予以解决，并告知来电人后续办理渠道。",
                      "经核实，来电人反映情况属实，已协调相关方于{I}办理完毕，来电人表示认可。",
                      "已与来电人沟通，按规定为其办理了相关手续。"},
        [REQ_COMPLAINT] = {"经调查，来电人反映的问题属实，已责令相关单位整改，处理结果已向来电人反馈。",
                           "我单位已约谈相关负责人，督促其规范经营和服务，后续将加强监管。",
                           "经核实，来电人反映情况部分属实，已督促整改，并向来电人做好解释工作。"},
        [REQ_REPORT] = {"接到举报后，执法人员依法开展调查，情况属实，已立案处理，结果已反馈来电人。",
                        "经调查，未发现来电人举报的违规行为，已向来电人说明情况，后续将加强监管。",
                        "已对被举报对象开展检查，发现的问题已责令整改完毕。"},
        [REQ_SUGGESTION] = {"感谢来电人的建议，我单位已认真研究，将在下一步工作中统筹考虑。",
                            "来电人关于{T}的建议已转相关科室研究，已电话向来电人反馈。",
                            "已与来电人沟通，相关建议将纳入年度工作计划研究。"},
        [REQ_PRAISE] = {"感谢来电人的肯定，已将表扬转达相关工作人员。",
                        "已将来电人的表扬通报单位全体人员，我们将继续做好服务。",
                        "感谢来电人的支持与鼓励。"},
    },
    [1] = {
        [REQ_CONSULTATION] = {"经核实，已电话联系来电人，就其咨询的{K}问题进行了详细解答，来电人表示清楚。",
                              "已向来电人说明{T}相关政策和办理流程，并告知了办理地点和所需材料。",
                              "已联系来电人答复：相关事项可在政务服务网上办理，也可到{D}政务服务中心窗口办理。"},
        [REQ_HELP] = {"收到工单后，我单位立即安排人员到{P}现场查看，问题已处理完毕，并已电话告知来电人。",
                      "经现场核查，来电人反映情况属实，已协调相关责任方于{I}处理完毕。",
                      "已联系来电人了解具体情况，已安排人员维修，现已恢复正常。"},
        [REQ_COMPLAINT] = {"经现场调查，来电人反映的问题属实，已责令相关责任方整改到位，整改结果已向来电人反馈。",
                           "我单位已约谈相关负责人，督促其立即整改，后续将加强日常巡查。",
                           "经核实，来电人反映情况部分属实，已督促整改，并向来电人做好解释工作。"},
        [REQ_REPORT] = {"接到举报后，执法人员到{P}现场核查，情况属实，已依法责令整改并立案调查。",
                        "经现场检查，未发现来电人反映的问题，已向来电人说明情况，后续将加强巡查。",
                        "已联合相关部门对{P}开展检查，发现的问题已督促整改完毕。"},
        [REQ_SUGGESTION] = {"感谢来电人的建议，我单位已认真研究，将在下一步工作中统筹考虑。",
                            "来电人关于{K}的建议已转相关科室研究，已电话向来电人反馈。",
                            "已到{P}实地调研，相关建议将纳入年度工作计划研究。"},
        [REQ_PRAISE] = {"感谢来电人的肯定，已将表扬转达相关工作人员。",
                        "已将来电人的表扬通报单位全体人员，我们将继续做好服务。",
                        "感谢来电人的支持与鼓励。"},
    },
};

/* The call-taker's direct answer: from the knowledge base for questions, an explanation the
 * caller accepts for the rest. */
static const char *const answers_question[] = {
    "根据知识库答复：{T}相关事项可通过政务服务网办理，也可到{D}政务服务中心窗口咨询，来电人表示清楚。",
    "已向来电人解释{T}相关政策，来电人表示理解，无需转办。",
    "已告知来电人办理{T}相关事项所需材料和办理时限，来电人表示满意。"};
static const char *const answers_other[] = {
    "经耐心解释，来电人表示理解，不再需要转办。",
    "已告知来电人相关办理渠道和咨询电话，来电人表示认可。",
    "已记录来电人意见，并向其说明了相关规定，来电人表示理解。"};


static const template_set *find_set(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    for (size_t i = 0; i < N_OF(sets); i++)
        if (strcmp(sets[i].code, code ? code : "") == 0) return &sets[i];
    for (size_t i = 0; i < N_OF(sets); i++) {
        size_t m = strlen(sets[i].code);
        if (m == 4 && n > 4 && strncmp(sets[i].code, code, 4) == 0) return &sets[i];
    }
    return NULL;
}

/* A random word of the space-separated list, copied into the arena; the fallback if none. */
static const char *pick_keyword(arena *a, gen_rng *r, const char *list, const char *fallback)
{
    if (!list || !*list) return fallback;
    size_t words = 1;
    for (const char *p = list; *p; p++)
        if (*p == ' ') words++;
    size_t want = gen_next(r) % words;
    const char *start = list;
    for (size_t w = 0; w < want; w++) start = strchr(start, ' ') + 1;
    const char *end = strchr(start, ' ');
    size_t len = end ? (size_t)(end - start) : strlen(start);
    return len ? arena_strndup(a, start, len) : fallback;
}

/* Bounded output: writes stop silently at the end (texts are far shorter than it). */
typedef struct {
    char s[2048];
    size_t n;
} out_buf;

static void put_n(out_buf *o, const char *s, size_t m)
{
    if (m > sizeof o->s - 1 - o->n) m = sizeof o->s - 1 - o->n;
    memcpy(o->s + o->n, s, m);
    o->n += m;
    o->s[o->n] = 0;
}

static void put(out_buf *o, const char *s) { put_n(o, s, strlen(s)); }

static void put_int(out_buf *o, long v)
{
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%ld", v);
    put(o, tmp);
}

/* A category's name as a topic: "旅游投诉" reads "旅游" in "来电人投诉{T}", and "表扬街道社区"
 * "街道社区" in "来电人表扬{T}". */
static void put_topic(out_buf *o, const char *name)
{
    static const char *const kinds[] = {"投诉", "咨询", "建议", "举报"};
    if (strncmp(name, "表扬", strlen("表扬")) == 0 && name[strlen("表扬")])
        name += strlen("表扬");
    size_t n = strlen(name);
    for (size_t i = 0; i < N_OF(kinds); i++) {
        size_t k = strlen(kinds[i]);
        if (n > k && strcmp(name + n - k, kinds[i]) == 0) {
            put_n(o, name, n - k);
            return;
        }
    }
    put(o, name);
}

static const char *expand(arena *a, gen_rng *r, const gen_topic *t, const char *tpl)
{
    static const char *const late[] = {"晚上十点多", "晚上十一点", "半夜十二点", "凌晨一点",
                                       "凌晨两点"};
    static const char *const when[] = {"今天", "昨天", "前天", "本周"};
    out_buf o = {.n = 0};
    o.s[0] = 0;
    const char *place = t->compound && *t->compound ? t->compound : t->road;
    const char *street = t->street_name && *t->street_name ? t->street_name : t->district_name;
    for (const char *p = tpl; *p;) {
        if (p[0] != '{' || !p[1] || p[2] != '}') {
            /* copy up to the next placeholder */
            const char *next = strchr(p + 1, '{');
            size_t m = next ? (size_t)(next - p) : strlen(p);
            put_n(&o, p, m);
            p += m;
            continue;
        }
        switch (p[1]) {
        case 'C': put(&o, t->compound && *t->compound ? t->compound : t->road); break;
        case 'R': put(&o, t->road); break;
        case 'P': put(&o, place); break;
        case 'S': put(&o, street); break;
        case 'D': put(&o, t->district_name); break;
        case 'T': put_topic(&o, t->category_name); break;
        case 'K': put(&o, pick_keyword(a, r, t->keywords, t->category_name)); break;
        case 'B': put_int(&o, t->building > 0 ? t->building : (long)gen_range(r, 1, 30)); break;
        case 'U': put_int(&o, (long)gen_range(r, 1, 6)); break;
        case 'F': put_int(&o, (long)gen_range(r, 2, 28)); break;
        case 'N': put_int(&o, (long)gen_range(r, 2, 15)); break;
        case 'W': put_int(&o, (long)gen_range(r, 2, 6)); break;
        case 'M': put_int(&o, (long)gen_range(r, 2, 6)); break;
        case 'O': put_int(&o, (long)gen_range(r, 3, 20)); break;
        case 'Z': put_int(&o, (long)gen_range(r, 11, 16)); break;
        case 'Y': put_int(&o, (long)gen_range(r, 30, 600) * 100); break;
        case 'V': put_int(&o, (long)gen_range(r, 10, 80) * 10); break;
        case '#': put_int(&o, (long)gen_range(r, 1, 388)); break;
        case 'H': put(&o, PICK(r, late)); break;
        case 'I': put(&o, PICK(r, when)); break;
        default: put(&o, "?"); break;
        }
        p += 3;
    }
    return arena_strndup(a, o.s, o.n);
}

const char *gen_request_text(arena *a, gen_rng *r, const gen_topic *t, bool grid_patrol)
{
    const template_set *set = find_set(t->category_code);
    /* a category's own words most of the time, the generic ones now and then for variety */
    const char *tpl = set && gen_chance(r, 0.85)
                          ? set->texts[gen_next(r) % set->n]
                          : PICK(r, by_type[place_matter(t->category_code)][t->type]);
    const char *text = expand(a, r, t, tpl);
    if (!grid_patrol) return text;
    /* the grid worker saw it on patrol: nobody called */
    out_buf o = {.n = 0};
    o.s[0] = 0;
    put(&o, "网格员巡查发现：");
    for (const char *p = text, *hit; *p; p = hit + strlen("来电人")) {
        hit = strstr(p, "来电人");
        if (!hit) {
            put(&o, p);
            break;
        }
        put_n(&o, p, (size_t)(hit - p));
        put(&o, "居民");
    }
    return arena_strndup(a, o.s, o.n);
}

const char *gen_title(arena *a, gen_rng *r, const gen_topic *t)
{
    (void)r;
    if (!place_matter(t->category_code)) return t->category_name;
    const char *place = t->compound && *t->compound ? t->compound : t->road;
    return arena_printf(a, "%s%s", place, t->category_name);
}

const char *gen_answer_text(arena *a, gen_rng *r, const gen_topic *t)
{
    return expand(a, r, t, t->type == REQ_CONSULTATION ? PICK(r, answers_question)
                                                       : PICK(r, answers_other));
}

const char *gen_reply_text(arena *a, gen_rng *r, const gen_topic *t)
{
    return expand(a, r, t, PICK(r, replies[place_matter(t->category_code)][t->type]));
}

/* ---- stock phrases ----------------------------------------------------------------------- */

static const char *const p_invalid[] = {"来电人未说明具体诉求，无法受理", "来电内容与政务服务无关",
                                        "重复无效来电", "来电人中途挂断，回拨无人接听",
                                        "骚扰来电"};
static const char *const p_return_reason[] = {"该事项不属于本单位职责范围",
                                              "诉求地址不在本单位管辖范围内",
                                              "该问题应由属地政府处理",
                                              "该事项属于行业主管部门职责"};
static const char *const p_return_basis[] = {"依据《江城市12345热线工单办理职责清单》",
                                             "依据市政府部门职责分工规定",
                                             "依据属地管理原则和派单目录",
                                             "依据《江城市城市管理条例》相关规定"};
static const char *const p_return_approve[] = {"同意退回，改派相关单位", "经核实，同意退单"};
static const char *const p_return_reject[] = {"经核实属于你单位职责，请继续办理",
                                              "退单理由不充分，请按派单目录办理"};
static const char *const p_ext_reason[] = {"涉及多个部门协调，需要进一步核实",
                                           "需要等待检测结果", "维修需要采购材料，工期较长",
                                           "需与来电人及相关方协商"};
static const char *const p_ext_approve[] = {"同意延期", "同意延期，请在新时限内办结"};
static const char *const p_ext_reject[] = {"延期理由不充分，请按原时限办理",
                                           "该问题可在原时限内办结，不予延期"};
static const char *const p_urge[] = {"工单已超期，请尽快办理", "请抓紧办理并及时反馈",
                                     "来电人再次来电催促，请加快处理"};
static const char *const p_supervise[] = {"该工单超期未办结，列入督办",
                                          "群众反映强烈，请限期办结并报送结果"};
static const char *const p_progress[] = {"已联系来电人，正在现场核查",
                                         "已安排维修人员，预计近日处理完毕",
                                         "正在协调相关单位处理"};
static const char *const p_reopen[] = {"回访时来电人反映问题仍未解决",
                                       "来电人对办理结果不认可，要求重新办理"};
static const char *const p_close[] = {"回访未成功，按规定办结", "经审核，办理过程规范，予以办结",
                                      "来电人诉求已答复，按规定办结"};
static const char *const p_redispatch[] = {"请属地街道核实处理", "转街道办理，请按时反馈"};
static const char *const p_visit_solved[] = {"来电人表示问题已解决", "来电人表示已经处理好了"};
static const char *const p_visit_unsolved[] = {"来电人表示问题没有解决",
                                               "来电人表示只是敷衍，问题依旧"};
static const char *const p_visit_unreachable[] = {"电话无人接听", "电话关机", "来电人拒绝回访"};

static const struct {
    const char *const *items;
    size_t n;
} phrases[GEN_PHRASE_COUNT] = {
    [GEN_INVALID_REASON] = {p_invalid, N_OF(p_invalid)},
    [GEN_RETURN_REASON] = {p_return_reason, N_OF(p_return_reason)},
    [GEN_RETURN_BASIS] = {p_return_basis, N_OF(p_return_basis)},
    [GEN_RETURN_APPROVE] = {p_return_approve, N_OF(p_return_approve)},
    [GEN_RETURN_REJECT] = {p_return_reject, N_OF(p_return_reject)},
    [GEN_EXTENSION_REASON] = {p_ext_reason, N_OF(p_ext_reason)},
    [GEN_EXTENSION_APPROVE] = {p_ext_approve, N_OF(p_ext_approve)},
    [GEN_EXTENSION_REJECT] = {p_ext_reject, N_OF(p_ext_reject)},
    [GEN_URGE_NOTE] = {p_urge, N_OF(p_urge)},
    [GEN_SUPERVISE_NOTE] = {p_supervise, N_OF(p_supervise)},
    [GEN_PROGRESS_NOTE] = {p_progress, N_OF(p_progress)},
    [GEN_REOPEN_REASON] = {p_reopen, N_OF(p_reopen)},
    [GEN_CLOSE_NOTE] = {p_close, N_OF(p_close)},
    [GEN_REDISPATCH_NOTE] = {p_redispatch, N_OF(p_redispatch)},
    [GEN_VISIT_SOLVED] = {p_visit_solved, N_OF(p_visit_solved)},
    [GEN_VISIT_UNSOLVED] = {p_visit_unsolved, N_OF(p_visit_unsolved)},
    [GEN_VISIT_UNREACHABLE] = {p_visit_unreachable, N_OF(p_visit_unreachable)},
};

const char *gen_phrase_pick(gen_rng *r, gen_phrase kind)
{
    if ((unsigned)kind >= GEN_PHRASE_COUNT) return "";
    return phrases[kind].items[gen_next(r) % phrases[kind].n];
}
