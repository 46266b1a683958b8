using System.Security.Cryptography;
using System.Text;
using LandRedevelopment.Storage;
using LandRedevelopment.Storage.Blobs;

namespace LandRedevelopment.Shared.Tests.Storage.Blobs;

/// <summary>
/// Golden SAS string-to-sign tests. The expected strings are written out field by field from the REST docs
/// ("Create a service SAS", "Create a user delegation SAS", version 2020-12-06 and later), one line per field,
/// an empty string for each optional field left out.
/// </summary>
public class BlobSasGoldenTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Expiry = new(2026, 11, 22, 3, 30, 0, TimeSpan.Zero);

    private static readonly StorageSharedKeyCredential Key =
        new(StorageConnectionString.DevelopmentAccountName, StorageConnectionString.DevelopmentAccountKey);

    private static readonly UserDelegationKey DelegationKey = new(
        signedObjectId: "11111111-2222-3333-4444-555555555555",
        signedTenantId: "66666666-7777-8888-9999-000000000000",
        signedStartsOn: new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero),
        signedExpiresOn: new DateTimeOffset(2026, 11, 29, 1, 0, 0, TimeSpan.Zero),
        signedService: "b",
        signedVersion: "2025-11-05",
        value: Convert.ToBase64String(Encoding.ASCII.GetBytes("a user delegation key of 32 byte")));

    private static BlobSasBuilder Builder(string version)
    {
        var builder = new BlobSasBuilder
        {
            Version = version,
            BlobContainerName = "evidence",
            BlobName = "case 1/照片.jpg",
            Resource = "b",
            StartsOn = Start,
            ExpiresOn = Expiry,
            Protocol = SasProtocol.Https,
            ContentType = "image/jpeg",
        };
        builder.SetPermissions(BlobSasPermissions.Write | BlobSasPermissions.Read | BlobSasPermissions.Create);
        return builder;
    }

    private static string Hmac(byte[] key, string s) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(s)));

    [Fact]
    public void Service_SAS_string_to_sign_has_the_16_fields_of_2020_12_06_and_later()
    {
        var expected =
            "rcw\n" +                                        // signedPermissions, in "racwd" order
            "2026-11-22T02:00:00Z\n" +                       // signedStart
            "2026-11-22T03:30:00Z\n" +                       // signedExpiry
            "/blob/devstoreaccount1/evidence/case 1/照片.jpg\n" + // canonicalizedResource, URL-decoded
            "\n" +                                           // signedIdentifier
            "\n" +                                           // signedIP
            "https\n" +                                      // signedProtocol
            "2025-11-05\n" +                                 // signedVersion
            "b\n" +                                          // signedResource
            "\n" +                                           // signedSnapshotTime
            "\n" +                                           // signedEncryptionScope
            "\n" +                                           // rscc
            "\n" +                                           // rscd
            "\n" +                                           // rsce
            "\n" +                                           // rscl
            "image/jpeg";                                    // rsct

        var builder = Builder("2025-11-05");
        var sas = builder.ToSasQueryParameters(Key);

        Assert.Equal(expected, builder.ServiceStringToSign(StorageConnectionString.DevelopmentAccountName));
        Assert.Equal(Hmac(Convert.FromBase64String(StorageConnectionString.DevelopmentAccountKey), expected), sas.Signature);
        Assert.Equal(
            "sv=2025-11-05&spr=https&st=2026-11-22T02%3A00%3A00Z&se=2026-11-22T03%3A30%3A00Z&sr=b&sp=rcw&rsct=image%2Fjpeg&sig="
            + Uri.EscapeDataString(sas.Signature),
            sas.ToString());
    }

    [Fact]
    public void User_delegation_SAS_string_to_sign_from_2025_07_05_adds_the_delegated_user_fields()
    {
        var expected =
            "rcw\n" +                                        // signedPermissions
            "2026-11-22T02:00:00Z\n" +                       // signedStart
            "2026-11-22T03:30:00Z\n" +                       // signedExpiry
            "/blob/devstoreaccount1/evidence/case 1/照片.jpg\n" + // canonicalizedResource
            "11111111-2222-3333-4444-555555555555\n" +       // signedKeyObjectId
            "66666666-7777-8888-9999-000000000000\n" +       // signedKeyTenantId
            "2026-11-22T01:00:00Z\n" +                       // signedKeyStart
            "2026-11-29T01:00:00Z\n" +                       // signedKeyExpiry
            "b\n" +                                          // signedKeyService
            "2025-11-05\n" +                                 // signedKeyVersion
            "\n" +                                           // signedAuthorizedUserObjectId
            "\n" +                                           // signedUnauthorizedUserObjectId
            "\n" +                                           // signedCorrelationId
            "\n" +                                           // signedKeyDelegatedUserTenantId (2025-07-05+)
            "\n" +                                           // signedDelegatedUserObjectId (2025-07-05+)
            "\n" +                                           // signedIP
            "https\n" +                                      // signedProtocol
            "2025-11-05\n" +                                 // signedVersion
            "b\n" +                                          // signedResource
            "\n" +                                           // signedSnapshotTime
            "\n" +                                           // signedEncryptionScope
            "\n" +                                           // rscc
            "\n" +                                           // rscd
            "\n" +                                           // rsce
            "\n" +                                           // rscl
            "image/jpeg";                                    // rsct

        var builder = Builder("2025-11-05");
        var sas = builder.ToSasQueryParameters(DelegationKey, StorageConnectionString.DevelopmentAccountName);

        Assert.Equal(expected, builder.UserDelegationStringToSign(DelegationKey, StorageConnectionString.DevelopmentAccountName));
        Assert.Equal(Hmac(Convert.FromBase64String(DelegationKey.Value), expected), sas.Signature);
        Assert.Equal(
            "sv=2025-11-05&spr=https&st=2026-11-22T02%3A00%3A00Z&se=2026-11-22T03%3A30%3A00Z" +
            "&skoid=11111111-2222-3333-4444-555555555555&sktid=66666666-7777-8888-9999-000000000000" +
            "&skt=2026-11-22T01%3A00%3A00Z&ske=2026-11-29T01%3A00%3A00Z&sks=b&skv=2025-11-05" +
            "&sr=b&sp=rcw&rsct=image%2Fjpeg&sig=" + Uri.EscapeDataString(sas.Signature),
            sas.ToString());
    }

    [Fact]
    public void User_delegation_SAS_string_to_sign_for_2020_12_06_has_24_fields()
    {
        var expected =
            "rcw\n2026-11-22T02:00:00Z\n2026-11-22T03:30:00Z\n/blob/devstoreaccount1/evidence/case 1/照片.jpg\n" +
            "11111111-2222-3333-4444-555555555555\n66666666-7777-8888-9999-000000000000\n" +
            "2026-11-22T01:00:00Z\n2026-11-29T01:00:00Z\nb\n2025-11-05\n" +
            "\n\n\n" +                                       // saoid, suoid, scid
            "\n" +                                           // signedIP
            "https\n2020-12-06\nb\n" +                       // signedProtocol, signedVersion, signedResource
            "\n\n" +                                         // signedSnapshotTime, signedEncryptionScope
            "\n\n\n\nimage/jpeg";                            // rscc, rscd, rsce, rscl, rsct

        Assert.Equal(expected, Builder("2020-12-06").UserDelegationStringToSign(DelegationKey, StorageConnectionString.DevelopmentAccountName));
        Assert.Equal(24, expected.Split('\n').Length);
    }

    [Fact]
    public void Container_SAS_signs_the_container_resource_without_a_trailing_slash()
    {
        var builder = new BlobSasBuilder { BlobContainerName = "evidence", ExpiresOn = Expiry };
        builder.SetPermissions(BlobSasPermissions.List | BlobSasPermissions.Read);

        var s = builder.ServiceStringToSign("acct");

        Assert.Equal("rl\n\n2026-11-22T03:30:00Z\n/blob/acct/evidence\n\n\n\n2025-11-05\nc\n\n\n\n\n\n\n", s);
    }

    [Fact]
    public void Permissions_come_out_in_the_service_order_whatever_the_flag_order()
    {
        var builder = new BlobSasBuilder();

        builder.SetPermissions(BlobSasPermissions.Delete | BlobSasPermissions.Write | BlobSasPermissions.Create | BlobSasPermissions.Add | BlobSasPermissions.Read);
        Assert.Equal("racwd", builder.Permissions);
        builder.SetPermissions(BlobSasPermissions.All);
        Assert.Equal("racwdxylt", builder.Permissions);
    }

    [Fact]
    public void Versions_with_another_field_list_are_refused_and_required_fields_are_checked()
    {
        Assert.Throws<NotSupportedException>(() => Builder("2019-12-12").ToSasQueryParameters(Key));
        Assert.Throws<NotSupportedException>(() => Builder("2026-04-06").ToSasQueryParameters(Key));
        Assert.Throws<InvalidOperationException>(() => new BlobSasBuilder { BlobContainerName = "c", BlobName = "b" }.ToSasQueryParameters(Key));
    }
}
