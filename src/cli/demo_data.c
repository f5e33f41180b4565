/* demo_data.c - the texts of demo and benchmark cases: realistic disputes
 * of a Zhejiang township, and common names. Data only. */
#include "cli/demo_data.h"

const struct demo_template demo_templates[DEMO_TEMPLATES] = {
	{"marriage_family", "离婚后子女抚养费纠纷",
	 "双方离婚后，男方连续半年未按约支付抚养费，女方要求调解。"},
	{"marriage_family", "老人赡养费分摊争议",
	 "三兄妹对父母赡养费分摊比例有分歧，老人请村里出面协调。"},
	{"neighbour", "邻里围墙滴水纠纷", "两户相邻，新建围墙屋檐滴水落入邻家院子，双方多次争吵。"},
	{"neighbour", "排水沟堵塞引发邻里矛盾",
	 "一户填埋排水沟，雨天积水倒灌邻居家，要求恢复排水。"},
	{"housing_land", "宅基地边界争议", "两户宅基地界址不清，翻建房屋时对界桩位置产生争议。"},
	{"housing_land", "老屋继承分割纠纷", "兄弟二人对父母遗留老屋的分割和使用有争议。"},
	{"land_forest", "山林承包界线纠纷", "两组村民对毛竹山承包界线有争议，砍伐时发生冲突。"},
	{"land_forest", "茶园流转租金争议", "茶园流转后租金未按时支付，承包户与村民产生矛盾。"},
	{"contract", "装修工程款结算纠纷", "房屋装修完工后，业主以质量问题为由拒付尾款两万元。"},
	{"contract", "袜业加工合同违约", "加工户未按期交货，委托方要求赔偿损失，双方协商未果。"},
	{"damages", "宠物狗咬伤赔偿纠纷", "村民被邻居家狗咬伤，就医疗费和误工费赔偿协商不成。"},
	{"damages", "施工损坏管道赔偿", "道路施工挖断自来水管，造成店铺停业两天，要求赔偿。"},
	{"labour", "袜厂工人欠薪纠纷", "十余名工人反映袜厂拖欠三个月工资，老板称资金周转困难。"},
	{"labour", "工伤后赔偿协商", "工人在车间受伤，就工伤待遇与企业协商未果。"},
	{"land_acquisition", "征地补偿款分配争议",
	 "村道拓宽征用土地，部分农户对补偿款分配方案有异议。"},
	{"land_acquisition", "拆迁安置面积争议", "拆迁户对安置房面积认定有异议，要求重新测量。"},
	{"environment", "养殖场异味扰民", "村边养猪场异味严重，周边村民多次反映要求整改。"},
	{"environment", "小作坊噪声污染", "夜间加工作坊噪声扰民，影响周边居民休息。"},
	{"medical", "诊所治疗后遗症纠纷", "患者在村卫生室输液后出现过敏反应，要求赔偿。"},
	{"property_mgmt", "小区物业费收取争议", "业主认为物业服务不到位，集体拒交物业费。"},
	{"property_mgmt", "电梯维修费用分摊", "老旧小区电梯维修费用分摊方案业主意见不一。"},
	{"consumer", "网购农资质量纠纷", "村民购买的化肥质量不合格，造成作物减产，要求退赔。"},
	{"traffic", "电动车与三轮车相撞", "电动车与农用三轮车相撞，双方对责任划分和赔偿有争议。"},
	{"traffic", "停车剐蹭赔偿纠纷", "村道停车剐蹭，车主对维修费用协商不成。"},
	{"other", "村集体分红资格争议", "外嫁女要求享受村集体经济分红，与村经济合作社产生争议。"},
	{"other", "祠堂使用安排矛盾", "两房族人对祠堂使用时间安排有矛盾。"},
};

const char *const demo_surnames[DEMO_SURNAMES] = {"陈", "王", "张", "李", "赵", "骆",
						  "杨", "何", "周", "金", "楼", "斯"};
const char *const demo_givens[DEMO_GIVENS] = {"建华", "美玲", "国强", "小红", "志明", "丽萍",
					      "海东", "秀英", "伟",   "芳",   "军",   "燕"};

const struct demo_mediator demo_mediators[DEMO_MEDIATORS] = {
	{"fengyuan.mediator", "neighbour,marriage_family,labour", "zh,wuu"},
	{"leshan.mediator", "housing_land,land_forest,damages", "zh"},
	{"shangyu.mediator", "contract,consumer,traffic", "zh,en"},
};
