"""Two overlapping exports of one cohort, the later one correcting the earlier (shared by the
tests of the store, the door for data and the Dask engine).

March: s1 60 s on quads (3 Mar) and 50 s on glutes (4 Mar); s2 30 s on quads (4 Mar).
April re-exports all three, with s1's glutes corrected to 80 s and a note on s2's row, and adds
s1's 70 s on hamstrings (5 Mar). Read in that order, s1 counts 60 + 80 + 70 = 210 s (not 260 s:
the 50 s is superseded), s2 30 s; in the other order March's 50 s wins: 60 + 50 + 70 = 180 s.
"""
MARCH = """subject_id,start,duration_s,region,notes
s1,2026-03-03T21:00:00+01:00,60,quads,
s1,2026-03-04T21:00:00+01:00,50,glutes,
s2,2026-03-04T21:00:00+01:00,30,quads,
"""
APRIL = """subject_id,start,duration_s,region,notes
s1,2026-03-03T21:00:00+01:00,60,quads,
s1,2026-03-04T21:00:00+01:00,80,glutes,
s2,2026-03-04T21:00:00+01:00,30,quads,felt better
s1,2026-03-05T21:00:00+01:00,70,hamstrings,
"""
