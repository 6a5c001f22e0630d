using System.Net;
using System.Net.Http.Headers;
using EdgeRegistry.Distribution.Errors;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace EdgeRegistry.Distribution.Remote;

/// <summary>Sending requests: authentication challenges, the resilience pipeline, the plain-HTTP fallback of insecure registries, and error mapping.</summary>
public sealed partial class RemoteRegistryClient
{
    private async Task EnsureSuccessAsync(HttpResponseMessage response, ErrorCode notFound, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await UpstreamErrors.FromResponseAsync(response, Registry, notFound, what, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a request for <paramref name="repository"/>, answering one authentication challenge. The response
    /// may have any status: 401 remains only when the challenge could not be met.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string path,
        string repository,
        Action<HttpRequestMessage>? configure,
        CancellationToken cancellationToken)
    {
        var scope = RegistryAuthenticator.PullScope(repository);
        var authorization = await authenticator.GetAuthorizationAsync(scope, cancellationToken).ConfigureAwait(false);
        var response = await ExecuteAsync(baseUri => Build(method, baseUri, path, authorization, configure), allowPlainFallback: true, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || AuthChallenge.Select(response.Headers.WwwAuthenticate) is not { } challenge)
        {
            return response;
        }

        AuthenticationHeaderValue answer;
        try
        {
            answer = await authenticator.AuthorizeAsync(challenge, scope, authorization, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            response.Dispose();
        }

        return await ExecuteAsync(baseUri => Build(method, baseUri, path, answer, configure), allowPlainFallback: true, cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage Build(HttpMethod method, Uri baseUri, string path, AuthenticationHeaderValue? authorization, Action<HttpRequestMessage>? configure)
    {
        var request = new HttpRequestMessage(method, new Uri(baseUri, path));
        request.Headers.Authorization = authorization;
        configure?.Invoke(request);
        return request;
    }

    /// <summary>
    /// Sends one request through the pipeline up to its response headers; a request is built afresh for
    /// every attempt. Transport failures become UNAVAILABLE.
    /// </summary>
    private async Task<HttpResponseMessage> ExecuteAsync(Func<Uri, HttpRequestMessage> build, bool allowPlainFallback, CancellationToken cancellationToken)
    {
        while (true)
        {
            var baseUri = Volatile.Read(ref endpoint);
            try
            {
                return await pipeline.ExecuteAsync(
                    static async (state, token) =>
                    {
                        using var request = state.build(state.baseUri);
                        return await state.http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                    },
                    (build, baseUri, http),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (RemoteResilience.IsCertificateFailure(e) && allowPlainFallback && plainFallback is not null && baseUri.Scheme == Uri.UriSchemeHttps)
            {
                Interlocked.CompareExchange(ref endpoint, plainFallback, baseUri);
            }
            catch (HttpRequestException e) when (RemoteResilience.IsCertificateFailure(e))
            {
                throw new RegistryException(
                    ErrorCode.Unavailable,
                    $"TLS connection to registry {Registry} failed: its certificate is not trusted (add its CA to the CA directory) or it does not speak TLS",
                    new { registry = Registry, error = e.InnerException?.Message ?? e.Message });
            }
            catch (HttpRequestException e)
            {
                throw new RegistryException(ErrorCode.Unavailable, $"registry {Registry} cannot be reached: {e.Message}", new { registry = Registry });
            }
            catch (BrokenCircuitException)
            {
                throw new RegistryException(
                    ErrorCode.Unavailable,
                    $"registry {Registry} is failing: requests to it are suspended for a while (circuit open)",
                    new { registry = Registry, circuit = "open" });
            }
            catch (TimeoutRejectedException)
            {
                throw new RegistryException(ErrorCode.Unavailable, $"registry {Registry} did not answer in time", new { registry = Registry });
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RegistryException(ErrorCode.Unavailable, $"the request to registry {Registry} was abandoned", new { registry = Registry });
            }
        }
    }
}
