using CriShim.Protocol.V1;
using CriShim.Runtime.Container;
using CriShim.Runtime.Image;
using Grpc.Core;

namespace CriShim.Api.Services;

/// <summary>CRI <c>ImageService</c>. RPCs not overridden here answer UNIMPLEMENTED with their name.</summary>
internal sealed class CriImageService(ImageCatalog images, IContainerInspection containers) : ImageService.ImageServiceBase
{
    public override Task<ListImagesResponse> ListImages(ListImagesRequest request, ServerCallContext context) =>
        Task.FromResult(images.ListImages(request.Filter));

    /// <summary>The streamed twin of ListImages (see <see cref="ListBatches"/>).</summary>
    public override Task StreamImages(StreamImagesRequest request, IServerStreamWriter<StreamImagesResponse> responseStream, ServerCallContext context) =>
        ListBatches.SendAsync(images.ListImages(request.Filter).Images, batch => new StreamImagesResponse { Images = { batch } }, responseStream, context.CancellationToken);

    public override Task<ImageStatusResponse> ImageStatus(ImageStatusRequest request, ServerCallContext context) =>
        Task.FromResult(images.ImageStatus(request.Image?.Image ?? "", request.Verbose));

    public override async Task<PullImageResponse> PullImage(PullImageRequest request, ServerCallContext context) =>
        new() { ImageRef = await images.PullImageAsync(request.Image?.Image ?? "", request.Auth, context.CancellationToken) };

    public override Task<RemoveImageResponse> RemoveImage(RemoveImageRequest request, ServerCallContext context)
    {
        images.RemoveImage(request.Image?.Image ?? "");
        return Task.FromResult(new RemoveImageResponse());
    }

    public override Task<ImageFsInfoResponse> ImageFsInfo(ImageFsInfoRequest request, ServerCallContext context)
    {
        var response = images.ImageFsInfo();
        response.ContainerFilesystems.Add(containers.WritableLayersUsage());
        return Task.FromResult(response);
    }
}
