import json,sys
sys.path.insert(0,'/work/shared/eval')
import score
gold={d['name']:d for d in score.load_gold(sys.argv[3] if len(sys.argv)>3 else '/work/shared/corpus-dev/gold')}
by_src,_,_=score.load_pred(sys.argv[1])
src=sys.argv[2]; stem=src.split('.')[0]
g=gold[stem]['initiatives']
p=[r for k,v in by_src.items() if k.split('/')[-1]==src for r in v]
pairs=score.match_items(g,p)
mg={i for i,_,_ in pairs}; mp={j for _,j,_ in pairs}
print('== MISSED', src)
for i,it in enumerate(g):
    if i not in mg: print('  ', it['marker'], it['title'][:70], '|', (it['section'] or [''])[-1][:30])
print('== EXTRA')
for j,it in enumerate(p):
    if j not in mp: print('  ', it['marker'], it['title'][:70], '|', (it['section'] or [''])[-1][:30])
