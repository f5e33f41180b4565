-- 017_grid_core.sql - grids (网格) as places (issue 15): a grid belongs to a
-- village or community (region), has a kind, its households and people, and
-- a boundary (GeoJSON Polygon or MultiPolygon, lon/lat WGS84) with its
-- bounding box; grid_staff names who serves it and as what (浙江省社会治安
-- 综合治理条例 art. 9: the township divides and staffs the grids). The R*Tree
-- grid_rtree holds each grid's box for point-in-polygon candidates; triggers
-- keep it in step with grids, so no code writes it. R*Tree keeps 32-bit
-- floats rounded outward: a box can only grow, never lose a point, and the
-- exact test (domain/grid/geo.c) decides.
ALTER TABLE grids ADD COLUMN kind TEXT NOT NULL DEFAULT 'comprehensive';
ALTER TABLE grids ADD COLUMN households INTEGER;
ALTER TABLE grids ADD COLUMN population INTEGER;
ALTER TABLE grids ADD COLUMN geometry TEXT;
ALTER TABLE grids ADD COLUMN min_lon REAL;
ALTER TABLE grids ADD COLUMN min_lat REAL;
ALTER TABLE grids ADD COLUMN max_lon REAL;
ALTER TABLE grids ADD COLUMN max_lat REAL;
ALTER TABLE grids ADD COLUMN updated_at INTEGER;
CREATE INDEX grids_region ON grids(region, code);

CREATE TABLE grid_staff (
  grid_id INTEGER NOT NULL REFERENCES grids(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  duty    TEXT NOT NULL CHECK (duty IN ('head', 'full_time', 'part_time', 'instructor')),
  PRIMARY KEY (grid_id, user_id, duty)
);
CREATE INDEX grid_staff_user ON grid_staff(user_id, grid_id);

CREATE VIRTUAL TABLE grid_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
INSERT INTO grid_rtree SELECT id, min_lon, max_lon, min_lat, max_lat FROM grids
  WHERE min_lon IS NOT NULL;
CREATE TRIGGER grids_rtree_insert AFTER INSERT ON grids WHEN new.min_lon IS NOT NULL
BEGIN
  INSERT INTO grid_rtree VALUES (new.id, new.min_lon, new.max_lon, new.min_lat, new.max_lat);
END;
CREATE TRIGGER grids_rtree_update AFTER UPDATE OF min_lon, min_lat, max_lon, max_lat ON grids
BEGIN
  DELETE FROM grid_rtree WHERE id = old.id;
  INSERT INTO grid_rtree SELECT new.id, new.min_lon, new.max_lon, new.min_lat, new.max_lat
    WHERE new.min_lon IS NOT NULL;
END;
CREATE TRIGGER grids_rtree_delete AFTER DELETE ON grids
BEGIN
  DELETE FROM grid_rtree WHERE id = old.id;
END;
