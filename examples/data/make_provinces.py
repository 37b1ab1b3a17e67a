# Generates examples/data/provinces.csv: SIMULATED data for the smart-government example.
# Not real statistics: 31 Chinese province names with made-up values, built so that online
# service capability (SG) grows with human capital, fiscal resources and policy, plus noise.
# Run: python3 make_provinces.py > provinces.csv   (deterministic: fixed seed)
import random

random.seed(2021)
provinces = ["Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia", "Liaoning", "Jilin",
             "Heilongjiang", "Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi",
             "Shandong", "Henan", "Hubei", "Hunan", "Guangdong", "Guangxi", "Hainan", "Chongqing",
             "Sichuan", "Guizhou", "Yunnan", "Tibet", "Shaanxi", "Gansu", "Qinghai", "Ningxia",
             "Xinjiang"]
print("province,it_employment,website_reduction,fiscal_revenue_pc,bigdata_org_index,"
      "broadband_ratio,policy_count,gdp_pc,online_service_index")
for p in provinces:
    dev = random.random()
    hum = round(1 + 9 * (0.6 * dev + 0.4 * random.random()), 2)
    web = round(0.2 + 0.7 * random.random(), 3)
    fis = round(3 + 30 * (0.7 * dev + 0.3 * random.random()), 1)
    org = round(random.random(), 3)
    dem = round(0.3 + 0.6 * (0.5 * dev + 0.5 * random.random()), 3)
    pol = random.randint(1, 15)
    eco = round(3.5 + 15 * (0.8 * dev + 0.2 * random.random()), 2)
    sg = round(40 + 25 * min(hum / 10, fis / 33) + 15 * (pol / 15) + 10 * random.random(), 1)
    print(f"{p},{hum},{web},{fis},{org},{dem},{pol},{eco},{sg}")
