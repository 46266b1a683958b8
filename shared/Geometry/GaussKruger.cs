using System.Collections.Concurrent;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace LandRedevelopment.Geometry;

/// <summary>
/// The CGCS2000 3° Gauss-Krüger zones: transverse Mercator on the CGCS2000 ellipsoid with k0 = 1 and a false
/// easting of 500 000 m (no zone prefix), central meridian 3° × zone.
/// </summary>
/// <remarks>
/// Land areas in China are reported in these zone coordinates, so measuring there (rather than on the
/// ellipsoid) gives the figure a city's land registry would. Transforms are built once per zone and shared:
/// the forward and inverse transforms are both created up front so that nothing in ProjNet is lazily
/// initialised under concurrent use.
/// </remarks>
internal sealed class GaussKruger
{
    /// <summary>Semi-major axis of the CGCS2000 ellipsoid, in metres.</summary>
    public const double SemiMajorAxis = 6378137.0;

    /// <summary>Inverse flattening of the CGCS2000 ellipsoid.</summary>
    public const double InverseFlattening = 298.257222101;

    /// <summary>False easting of the zone coordinates, in metres.</summary>
    public const double FalseEasting = 500_000.0;

    private const int ZoneCount = 120;

    private static readonly ConcurrentDictionary<int, GaussKruger> Zones = new();

    private static readonly GeographicCoordinateSystem Cgcs2000 = CreateGeographic();

    private readonly MathTransform _forward;
    private readonly MathTransform _inverse;

    private GaussKruger(int zone)
    {
        Zone = zone;
        CentralMeridian = CentralMeridianOf(zone);
        var factory = new CoordinateSystemFactory();
        var projection = factory.CreateProjection(
            $"CGCS2000 3-degree Gauss-Kruger CM {CentralMeridian}",
            "Transverse_Mercator",
            [
                new ProjectionParameter("latitude_of_origin", 0),
                new ProjectionParameter("central_meridian", CentralMeridian),
                new ProjectionParameter("scale_factor", 1),
                new ProjectionParameter("false_easting", FalseEasting),
                new ProjectionParameter("false_northing", 0),
            ]);
        var projected = factory.CreateProjectedCoordinateSystem(
            $"CGCS2000 / 3-degree Gauss-Kruger CM {CentralMeridian}",
            Cgcs2000,
            projection,
            LinearUnit.Metre,
            new AxisInfo("Easting", AxisOrientationEnum.East),
            new AxisInfo("Northing", AxisOrientationEnum.North));
        var transforms = new CoordinateTransformationFactory();
        _forward = transforms.CreateFromCoordinateSystems(Cgcs2000, projected).MathTransform;
        _inverse = transforms.CreateFromCoordinateSystems(projected, Cgcs2000).MathTransform;
        Srid = EpsgCode(zone);
    }

    /// <summary>The zone number, 1 to 120.</summary>
    public int Zone { get; }

    /// <summary>The central meridian in degrees, in (-180, 180].</summary>
    public double CentralMeridian { get; }

    /// <summary>
    /// The EPSG code of the zone's projected system (4534 for CM 75°E to 4554 for CM 135°E, the zones that
    /// cover China), or 0 outside them.
    /// </summary>
    public int Srid { get; }

    /// <summary>The zone whose central meridian is nearest <paramref name="longitude"/>: round(lon / 3).</summary>
    /// <remarks>
    /// A longitude exactly on a zone boundary (3n + 1.5) goes to the eastern zone. Zones are numbered 1 to 120
    /// eastwards from 3°E, so longitudes near 0° fall in zone 120 (CM 0°) rather than a zone 0.
    /// </remarks>
    public static int ZoneOf(double longitude)
    {
        var zone = (int)Math.Floor(longitude / 3 + 0.5);
        return zone <= 0 ? zone + ZoneCount : zone;
    }

    /// <summary>The central meridian of <paramref name="zone"/>, in degrees in (-180, 180].</summary>
    public static double CentralMeridianOf(int zone)
    {
        var meridian = 3.0 * zone;
        return meridian > 180 ? meridian - 360 : meridian;
    }

    /// <summary>The (cached) zone <paramref name="zone"/>.</summary>
    public static GaussKruger For(int zone)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(zone, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(zone, ZoneCount);
        return Zones.GetOrAdd(zone, static z => new GaussKruger(z));
    }

    /// <summary>Longitude and latitude in degrees to easting and northing in metres.</summary>
    public (double Easting, double Northing) Forward(double longitude, double latitude) =>
        _forward.Transform(longitude, latitude);

    /// <summary>Easting and northing in metres to longitude and latitude in degrees.</summary>
    public (double Longitude, double Latitude) Inverse(double easting, double northing) =>
        _inverse.Transform(easting, northing);

    /// <summary>A copy of the lon/lat <paramref name="geometry"/> in this zone's metres.</summary>
    public NtsGeometry Project(NtsGeometry geometry)
    {
        var projected = geometry.Copy();
        projected.Apply(new ForwardFilter(this));
        projected.SRID = Srid;
        return projected;
    }

    private static GeographicCoordinateSystem CreateGeographic()
    {
        var factory = new CoordinateSystemFactory();
        var ellipsoid = factory.CreateFlattenedSphere("CGCS2000", SemiMajorAxis, InverseFlattening, LinearUnit.Metre);
        var datum = factory.CreateHorizontalDatum("China_2000", DatumType.HD_Geocentric, ellipsoid, null);
        return factory.CreateGeographicCoordinateSystem(
            "China Geodetic Coordinate System 2000",
            AngularUnit.Degrees,
            datum,
            PrimeMeridian.Greenwich,
            new AxisInfo("Lon", AxisOrientationEnum.East),
            new AxisInfo("Lat", AxisOrientationEnum.North));
    }

    private static int EpsgCode(int zone) => zone is >= 25 and <= 45 ? 4534 + (zone - 25) : 0;

    private sealed class ForwardFilter(GaussKruger zone) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var (easting, northing) = zone.Forward(seq.GetX(i), seq.GetY(i));
                seq.SetX(i, easting);
                seq.SetY(i, northing);
            }
        }
    }
}
