using CriShim.Protocol.V1;

namespace CriShim.Api.Services;

/// <summary>CRI <c>ImageService</c>. RPCs not overridden here answer UNIMPLEMENTED with their name.</summary>
internal sealed class CriImageService : ImageService.ImageServiceBase
{
}
