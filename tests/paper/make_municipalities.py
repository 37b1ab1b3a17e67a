"""Writes municipalities.csv, the simulated data of study.toe (tests/paper/README.md).

Run from this folder:  python3 make_municipalities.py   (Python 3, no packages)
"""
import random

random.seed(2)
names = ["Aalborg", "Bergen", "Cork", "Delft", "Espoo", "Freiburg", "Ghent", "Graz", "Haarlem",
         "Innsbruck", "Jena", "Krakow", "Leuven", "Lyon", "Malmo", "Nantes", "Oulu", "Porto",
         "Reims", "Salzburg", "Tampere", "Tartu", "Uppsala", "Utrecht", "Valencia", "Verona",
         "Vilnius", "Wroclaw", "Zagreb", "Zurich"]
rows = []
for n in names:
    dig = random.uniform(10, 95)
    skl = random.uniform(5, 60)
    lea = random.uniform(1, 7)
    bud = random.uniform(0.5, 9)
    par = random.uniform(0, 12)
    # The outcome stays below a ceiling set by infrastructure and leadership.
    ceil = min(max(dig - 25, 3) * 1.3, max(lea - 1.8, 0.2) * 19)
    perf = max(3, ceil * random.uniform(0.4, 1.0))
    rows.append((n, round(dig, 1), round(skl, 1), round(lea, 2), round(bud, 2), round(par, 1),
                 round(perf, 1)))
with open("municipalities.csv", "w") as f:
    f.write("city,digital_infra,it_skills,leadership,budget,peer_pressure,e_service\n")
    for r in rows:
        f.write(",".join(str(x) for x in r) + "\n")
