-- 017_grid_core.sql - grids (网格) as places (issue 15): a grid belongs to a
-- village or community (region), has a kind, its households and people, and
-- a boundary (GeoJSON Polygon or MultiPolygon, lon/lat WGS84) with its
-- bounding box; grid_staff names who serves it and as what (浙江省社会治安
-- 综合治理条例 art. 9: the township divides and staffs the grids). A GiST
-- index on the box (no PostGIS needed) answers point-in-polygon candidates
-- with `&&` against the point's degenerate box; the exact test is in C
-- (domain/grid/geo.c), one implementation for both engines.
ALTER TABLE grids ADD COLUMN kind text COLLATE "C" NOT NULL DEFAULT 'comprehensive';
ALTER TABLE grids ADD COLUMN households bigint;
ALTER TABLE grids ADD COLUMN population bigint;
ALTER TABLE grids ADD COLUMN geometry text COLLATE "C";
ALTER TABLE grids ADD COLUMN min_lon double precision;
ALTER TABLE grids ADD COLUMN min_lat double precision;
ALTER TABLE grids ADD COLUMN max_lon double precision;
ALTER TABLE grids ADD COLUMN max_lat double precision;
ALTER TABLE grids ADD COLUMN updated_at bigint;
CREATE INDEX grids_region ON grids(region, code);
CREATE INDEX grids_box ON grids USING gist (box(point(min_lon, min_lat), point(max_lon, max_lat)));

CREATE TABLE grid_staff (
  grid_id bigint NOT NULL REFERENCES grids(id),
  user_id bigint NOT NULL REFERENCES users(id),
  duty    text COLLATE "C" NOT NULL
          CHECK (duty IN ('head', 'full_time', 'part_time', 'instructor')),
  PRIMARY KEY (grid_id, user_id, duty)
);
CREATE INDEX grid_staff_user ON grid_staff(user_id, grid_id);
